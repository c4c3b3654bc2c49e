/* The member's own profile for their pages. */
#include "profile.h"
#include "../loyalty/membership.h"

int member_profile_json(yt_ctx *x, yt_jw *w, int64_t customer) {
    yt_param p[] = {PI(customer)};
    /* a customer who never had a level (0) is at the first */
    yt_rows *r = db_query(x->db, "SELECT c.name, c.nickname, c.avatar_url, l.level, c.points, c.growth, l.name,"
                                 " l.discount_percent, l.free_shipping, (SELECT MIN(n.growth_min) FROM member_levels n"
                                 " WHERE n.level > l.level) FROM customers c LEFT JOIN member_levels l"
                                 " ON l.level = CASE WHEN c.member_level < 1 THEN 1 ELSE c.member_level END WHERE c.id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a member");
    bool found = rows_next(r);
    if (found) {
        jw_obj(w);
        jw_kint(w, "customer_id", customer);
        jw_kstr(w, "name", rows_text(r, 0));
        jw_kstr(w, "nickname", rows_text(r, 1));
        if (rows_null(r, 2)) jw_knull(w, "avatar_url");
        else jw_kstr(w, "avatar_url", rows_text(r, 2));
        jw_kint(w, "member_level", rows_int(r, 3));
        jw_kint(w, "points", rows_int(r, 4));
        jw_kint(w, "growth", rows_int(r, 5));
        jw_kstr(w, "level_name", rows_text(r, 6));
        jw_kint(w, "discount_percent", rows_null(r, 7) ? 100 : rows_int(r, 7));
        jw_kbool(w, "free_shipping", rows_int(r, 8) != 0);
        if (rows_null(r, 9)) jw_knull(w, "next_level_growth");
        else jw_kint(w, "next_level_growth", rows_int(r, 9));
    }
    rows_free(r);
    if (!found) return yt_fail(x, YT_ENOTFOUND, NULL, "no such member");
    jw_key(w, "paid_membership"); /* the level a paid plan holds now, and until when; null when none */
    int rc = membership_now_json(x, w, customer);
    jw_obj_end(w);
    return rc;
}
