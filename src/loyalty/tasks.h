/* Points tasks (任务): the brand rewards what members do with points by itself. A task names an event type
 * (page_viewed, form_submitted, group_joined, contact_added, ...) and the points each such event earns, at most per_day times
 * a day (in the brand's calendar) and per_customer times in all (0: no cap), within its window. Rewards are
 * given in the transaction that stores the events, so an event earns once: a duplicate (same key) earns
 * nothing, and the caps hold under concurrent batches (each customer's count is a row the reward updates
 * only while under the cap). */
#ifndef YT_TASKS_H
#define YT_TASKS_H
#include "../base/json.h"
#include "../domain/ctx.h"

#define TASK_PER_DAY_MAX 1000
#define TASK_PER_CUSTOMER_MAX 100000
#define TASK_POINTS_MAX 1000000

#define TASK_UNCHANGED INT64_MIN /* a number an update leaves as it is */

typedef struct {
    const char *name, *description, *event_type, *status; /* status "on" or "off"; NULL: on (create), unchanged (update) */
    int64_t points, per_day, per_customer, starts_at;      /* TASK_UNCHANGED: unchanged (update) */
    int64_t ends_at;                                        /* 0: none (open-ended); TASK_UNCHANGED: unchanged (update) */
} task_input;

int task_create(yt_ctx *x, const task_input *in, int64_t *id);
/* Changes what in gives (name, description, status, points, per_day, per_customer, ends_at); the event type
 * and the start stay. */
int task_update(yt_ctx *x, int64_t id, const task_input *in);
/* {id, name, description, event_type, points, per_day, per_customer, status, starts_at, ends_at, state,
 * rewards: {customers, times, points}}; 404 when there is none. */
int task_json(yt_ctx *x, yt_jw *w, int64_t id);
int task_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor);
/* A member's tasks: those on and running, with what the member has done today and in all:
 * {items: [{id, name, description, event_type, points, per_day, per_customer, ends_at, today, total}]}. */
int task_member_json(yt_ctx *x, yt_jw *w, int64_t customer);

/* An event the batch stored (not a duplicate), for its rewards. type is borrowed. */
typedef struct {
    int64_t customer_id, at;
    const char *type;
} task_event;

/* Rewards the events of a batch, inside the caller's transaction: one read of the tasks that are on, then
 * for each event of a task's type in its window, the customer's count for the day and in all (under the
 * caps) and the points. Nothing when no task is on. */
int task_rewards(yt_ctx *x, const task_event *ev, size_t n);

#endif
