/* Administrative subcommands: migrate, user, token, backup, version, routes. */
#include "../api/api.h"
#include "../base/crypto.h"
#include "../base/timeutil.h"
#include "../staff/auth.h"
#include "../staff/roles.h"
#include "../staff/staff.h"
#include "app.h"
#include "commands.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_migrate(yt_config *cfg, int argc, char **argv) {
    if (argc > 1) {
        fprintf(stderr, "yutang migrate: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    yt_store *s = app_open(cfg);
    if (!s) return 1;
    printf("schema version %d (latest %d)\n", store_schema_version(store_db(s)), store_latest_version());
    store_close(s);
    return 0;
}

static int fail_ctx(const char *what, yt_ctx *x) {
    fprintf(stderr, "yutang %s: %s%s%s\n", what, x->err.field[0] ? x->err.field : "", x->err.field[0] ? ": " : "", x->err.msg);
    return 1;
}

int cmd_user(yt_config *cfg, int argc, char **argv) {
    const char *role = app_flag(&argc, argv, "--role"), *pw = app_flag(&argc, argv, "--password"),
               *display = app_flag(&argc, argv, "--display-name"), *store_s = app_flag(&argc, argv, "--store");
    if (argc < 2) {
        fprintf(stderr, "yutang user: say add, passwd or list (see yutang user --help)\n");
        return 2;
    }
    const char *sub = argv[1];
    yt_store *s = app_open(cfg);
    if (!s) return 1;
    yt_arena arena = {0};
    yt_ctx x = {.db = store_db(s), .who = yt_system_actor(), .arena = &arena};
    int rc = 0;
    char generated[32] = "";
    if (!pw || !*pw) {
        crypto_random_password(generated, 16);
        pw = generated;
    }
    if (strcmp(sub, "add") == 0 && argc == 3) {
        staff_new in = {.username = argv[2], .display_name = display, .role = role ? role : "operator", .password = pw,
                        .store_id = store_s ? atoll(store_s) : 0};
        int64_t id;
        if (staff_create(&x, &in, &id)) rc = fail_ctx("user add", &x);
        else {
            printf("created user %s (id %lld, role %s)\n", argv[2], (long long)id, in.role);
            if (generated[0]) printf("password: %s\n", generated);
        }
    } else if (strcmp(sub, "passwd") == 0 && argc == 3) {
        int64_t id = staff_id_by_username(x.db, argv[2]);
        staff_patch p = {.password = pw, .active = -1};
        if (!id) {
            fprintf(stderr, "yutang user passwd: no user '%s'\n", argv[2]);
            rc = 1;
        } else if (staff_update(&x, id, &p)) rc = fail_ctx("user passwd", &x);
        else {
            printf("password changed for %s; their sessions were ended\n", argv[2]);
            if (generated[0]) printf("password: %s\n", generated);
        }
    } else if (strcmp(sub, "list") == 0 && argc == 2) {
        yt_rows *r = db_query(x.db, "SELECT id, username, display_name, role, active FROM staff ORDER BY id", 0, NULL);
        printf("%-6s %-20s %-20s %-10s %s\n", "ID", "USERNAME", "DISPLAY NAME", "ROLE", "ACTIVE");
        while (r && rows_next(r))
            printf("%-6lld %-20s %-20s %-10s %s\n", (long long)rows_int(r, 0), rows_text(r, 1), rows_text(r, 2),
                   rows_text(r, 3), rows_int(r, 4) ? "yes" : "no");
        rows_free(r);
    } else {
        fprintf(stderr, "yutang user: unknown or incomplete subcommand (see yutang user --help)\n");
        rc = 2;
    }
    arena_free(&arena);
    store_close(s);
    return rc;
}

int cmd_token(yt_config *cfg, int argc, char **argv) {
    const char *user = app_flag(&argc, argv, "--user"), *name = app_flag(&argc, argv, "--name"),
               *scopes = app_flag(&argc, argv, "--scopes"), *ttl = app_flag(&argc, argv, "--ttl-days");
    if (argc < 2) {
        fprintf(stderr, "yutang token: say create or revoke (see yutang token --help)\n");
        return 2;
    }
    yt_store *s = app_open(cfg);
    if (!s) return 1;
    yt_arena arena = {0};
    yt_ctx x = {.db = store_db(s), .who = yt_system_actor(), .arena = &arena};
    int rc = 0;
    if (strcmp(argv[1], "create") == 0 && argc == 2) {
        int64_t sid = user ? staff_id_by_username(x.db, user) : 0;
        uint32_t bits = 0;
        char bad[64];
        if (!sid) {
            fprintf(stderr, "yutang token create: --user names no existing user\n");
            rc = 2;
        } else if (scopes && !perms_parse_csv(scopes, &bits, bad, sizeof bad)) {
            fprintf(stderr, "yutang token create: unknown permission '%s'\n", bad);
            rc = 2;
        } else {
            char token[YT_TOKEN_LEN];
            int64_t id, exp;
            if (token_create(&x, sid, name ? name : "cli", bits, ttl ? atoi(ttl) : 30, token, &id, &exp))
                rc = fail_ctx("token create", &x);
            else printf("%s\n", token);
        }
    } else if (strcmp(argv[1], "revoke") == 0 && argc == 3) {
        if (token_revoke(&x, atoll(argv[2]))) rc = fail_ctx("token revoke", &x);
        else printf("revoked token %s\n", argv[2]);
    } else {
        fprintf(stderr, "yutang token: unknown or incomplete subcommand (see yutang token --help)\n");
        rc = 2;
    }
    arena_free(&arena);
    store_close(s);
    return rc;
}

int cmd_backup(yt_config *cfg, int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "yutang backup: give the file to write (see yutang backup --help)\n");
        return 2;
    }
    yt_store *s = app_open(cfg);
    if (!s) return 1;
    char err[256];
    int rc = db_backup(store_db(s), argv[1], err, sizeof err);
    if (rc) fprintf(stderr, "yutang backup: %s\n", err);
    else printf("backup written to %s\n", argv[1]);
    store_close(s);
    return rc ? 1 : 0;
}

int cmd_version(yt_config *cfg, int argc, char **argv) {
    (void)cfg;
    (void)argc;
    (void)argv;
    printf("yutang %s (schema %d)\n", YT_VERSION, store_latest_version());
    return 0;
}

int cmd_routes(yt_config *cfg, int argc, char **argv) {
    (void)cfg;
    (void)argc;
    (void)argv;
    const yt_route *routes = api_route_table();
    for (int i = 0; i < api_route_count(); i++) {
        const yt_route *r = &routes[i];
        printf("%s %s ", r->method, r->pattern);
        /* "member": a member's link token (only, when no permission is named; "perms|member": either) */
        if (r->flags & ROUTE_PUBLIC) printf("public");
        else if (!r->perm) printf((r->flags & ROUTE_MEMBER) ? "member" : "signed-in");
        else {
            bool first = true;
            for (uint32_t b = 1; b; b <<= 1)
                if ((r->perm & b) && perm_name(b)) {
                    printf("%s%s", first ? "" : "+", perm_name(b));
                    first = false;
                }
            if (r->flags & ROUTE_MEMBER) printf("|member");
        }
        printf("\n");
    }
    return 0;
}
