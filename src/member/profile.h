/* What a member sees of themselves on their pages: names, level and points (no phone, no staff notes). */
#ifndef YT_MEMBER_PROFILE_H
#define YT_MEMBER_PROFILE_H
#include "../base/json.h"
#include "../domain/ctx.h"

/* {customer_id, name, nickname, avatar_url, member_level, points, growth, level_name, discount_percent,
 * free_shipping, next_level_growth (null at the top)}. */
int member_profile_json(yt_ctx *x, yt_jw *w, int64_t customer);

#endif
