/* The beat: the modules' periodic store work, on a thread of its own (see beat.c). */
#ifndef YT_BEAT_H
#define YT_BEAT_H
#include "../store/store.h"

typedef struct yt_beat yt_beat;

/* Starts the thread, which runs every job once at once and then once a period; NULL when it cannot start. */
yt_beat *beat_start(yt_store *store, int period_ms);
/* Stops it (a job running finishes first) and frees it; NULL is fine. */
void beat_stop(yt_beat *b);

#endif
