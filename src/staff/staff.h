/* Staff accounts: create, update, list. */
#ifndef YT_STAFF_H
#define YT_STAFF_H
#include "../base/json.h"
#include "../domain/ctx.h"

typedef struct {
    const char *username;
    const char *display_name;
    const char *role;
    const char *password;
    int64_t store_id; /* 0 = none */
} staff_new;

typedef struct {
    const char *display_name; /* NULL = unchanged */
    const char *role;
    const char *password;
    bool set_store;
    int64_t store_id;
    int active; /* -1 unchanged, 0 or 1 */
} staff_patch;

int staff_create(yt_ctx *x, const staff_new *in, int64_t *id);
/* YT_OK when the actor may manage staff member id (holds staff.write and every permission of that
 * person's role; only an owner manages an owner); else the error, naming field. */
int staff_check_manage(yt_ctx *x, int64_t id, const char *field);
int staff_update(yt_ctx *x, int64_t id, const staff_patch *in);
int staff_write_json(yt_ctx *x, yt_jw *w, int64_t id);
int staff_list_json(yt_ctx *x, yt_jw *w);
/* 0 when absent. */
int64_t staff_id_by_username(yt_db *db, const char *username);
bool staff_exists(yt_db *db, int64_t id);

#endif
