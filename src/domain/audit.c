/* Audit log: every write records who, what, when and a before/after summary. */
#include "audit.h"
#include "../base/timeutil.h"
#include <stdio.h>

int audit_record(yt_ctx *x, const char *action, const char *entity, int64_t entity_id, const char *summary_json) {
    char idbuf[24] = "";
    if (entity_id) snprintf(idbuf, sizeof idbuf, "%lld", (long long)entity_id);
    yt_param p[] = {PI(now_ms()), x->who->staff_id ? PI(x->who->staff_id) : PNULL, PT(x->who->username),
                    PT(action), PT(entity), PT(idbuf), PT(summary_json ? summary_json : "{}")};
    if (db_exec(x->db,
                "INSERT INTO audit_log(at, actor_id, actor, action, entity, entity_id, summary) VALUES(?,?,?,?,?,?,?)",
                NPARAMS(p), p) < 0)
        return yt_fail_db(x, "writing the audit log");
    return YT_OK;
}
