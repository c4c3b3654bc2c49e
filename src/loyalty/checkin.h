/* Check-in (签到): one a day per customer in the brand's calendar (Asia/Shanghai), each earning the day's
 * points; a run of days in a row earns each streak reward once; a missed day may be made up within the
 * brand's window at a cost in points. */
#ifndef YT_CHECKIN_H
#define YT_CHECKIN_H
#include "../base/json.h"
#include "../domain/ctx.h"

typedef struct {
    int32_t day;            /* brand day checked in */
    bool makeup;            /* an earlier day, made up */
    int64_t points;         /* the day's points */
    int64_t streak;         /* days in a row, this day's run, after the check-in */
    int64_t streak_points;  /* streak rewards this check-in earned */
    int64_t cost;           /* a make-up's price */
    int64_t balance;        /* points after all of it */
} checkin_result;

/* Checks a live customer in for day (today's brand day, or an earlier one as a make-up). Already checked in
 * that day: 409 on "day"; a day in the future or beyond the make-up window: 400 on "day"; a make-up the
 * points do not cover: 409 on "points". All of it (the day, its points, streak rewards, the cost) is one
 * transaction. */
int checkin(yt_ctx *x, int64_t customer, int32_t day, checkin_result *res);

/* {month: "2026-12", days: [{day: "2026-12-01", makeup, points, cost}], today, checked_in_today, streak (the run
 * ending today or yesterday), and the brand's rules: checkin_points, makeup_cost, makeup_days (a missed day
 * from today - makeup_days on may be made up), streak_rules [{days, points}]}. */
int checkin_month_json(yt_ctx *x, yt_jw *w, int64_t customer, int year, int month);

#endif
