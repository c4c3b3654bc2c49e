/* Keeps the audience index current in the background, so that a read seldom has changes left to apply. */
#ifndef YT_AUDIENCE_FOLLOW_H
#define YT_AUDIENCE_FOLLOW_H
#include "index.h"

typedef struct audience_follower audience_follower;

/* Starts a thread that applies the change feed as it grows: woken by the store's notifications on
 * PostgreSQL (other instances' writes arrive within milliseconds), every 100 ms on SQLite. */
audience_follower *audience_follow(audience *a, yt_store *s);
/* Stops and joins the thread; NULL is fine. */
void audience_follow_stop(audience_follower *f);

#endif
