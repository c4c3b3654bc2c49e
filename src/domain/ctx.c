/* The context every domain call gets: error helpers and the system actor. */
#include "ctx.h"
#include "../base/log.h"
#include "../base/text.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int yt_fail(yt_ctx *x, int code, const char *field, const char *fmt, ...) {
    x->err.code = code;
    snprintf(x->err.field, sizeof x->err.field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err.msg, sizeof x->err.msg, fmt, ap);
    va_end(ap);
    return code;
}

int yt_fail_db(yt_ctx *x, const char *what) {
    log_error("store error in %s: %s", what, db_error(x->db));
    return yt_fail(x, YT_EINTERNAL, NULL, "the store failed while %s", what);
}

int yt_finish(yt_ctx *x, int rc, const char *what) {
    if (rc == YT_OK && db_commit(x->db) == 0) return YT_OK;
    db_rollback(x->db);
    return rc != YT_OK ? rc : yt_fail_db(x, what);
}

const yt_actor *yt_system_actor(void) {
    static const yt_actor sys = {.staff_id = 0, .username = "system", .role = "owner", .perms = PERM_ALL};
    return &sys;
}

int yt_check_text(yt_ctx *x, const char *field, const char *v, size_t min, size_t max) {
    if (!v) return YT_OK;
    size_t n = utf8_chars(v);
    if (n < min || n > max) return yt_fail(x, YT_EINVAL, field, "must be %zu to %zu characters", min, max);
    const char *why = text_unreadable(v);
    return why ? yt_fail(x, YT_EINVAL, field, "%s", why) : YT_OK;
}
