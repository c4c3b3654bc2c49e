/* Keeps the audience index current in the background, so that a read seldom has changes left to apply. */
#ifndef YT_AUDIENCE_FOLLOW_H
#define YT_AUDIENCE_FOLLOW_H
#include "index.h"

typedef struct audience_follower audience_follower;

/* Starts a thread that applies the change feed as it grows: woken by the store's notifications on
 * PostgreSQL (other instances' writes arrive within milliseconds), every 100 ms on SQLite. Once a day it
 * refits the lifetime-value model. After changes it applies the auto-tag rules. */
audience_follower *audience_follow(audience *a, yt_store *s);
/* Fits the lifetime-value model on the paid orders up to today, saves it (as the system) and makes the
 * index predict with it. -1 (logged) when it cannot be fitted, such as before anyone has bought twice. */
int audience_refit(audience *a, yt_db *db);
/* At start: builds the index with the latest saved model (the build makes its predictions too), or builds
 * it and fits a first model when none is saved. -1 (logged) when the build fails. */
int audience_start(audience *a, yt_db *db);

/* Stops and joins the thread; NULL is fine. */
void audience_follow_stop(audience_follower *f);

#endif
