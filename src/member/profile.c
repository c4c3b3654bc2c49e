/* The member's own profile for their pages. */
#include "profile.h"

int member_profile_json(yt_ctx *x, yt_jw *w, int64_t customer) {
    yt_param p[] = {PI(customer)};
    yt_rows *r = db_query(x->db, "SELECT name, nickname, avatar_url, member_level, points FROM customers WHERE id = ?", 1, p);
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
        jw_obj_end(w);
    }
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no such member");
}
