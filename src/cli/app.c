/* What every subcommand shares: flag parsing, opening the store with migrations and the data key. */
#include "app.h"
#include "../base/crypto.h"
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *app_flag(int *argc, char **argv, const char *name) {
    size_t n = strlen(name);
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        int take = 0;
        if (strcmp(argv[i], name) == 0 && i + 1 < *argc) {
            v = argv[i + 1];
            take = 2;
        } else if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') {
            v = argv[i] + n + 1;
            take = 1;
        }
        if (take) {
            memmove(&argv[i], &argv[i + take], sizeof(char *) * (size_t)(*argc - i - take + 1));
            *argc -= take;
            return v;
        }
    }
    return NULL;
}

bool app_switch(int *argc, char **argv, const char *name) {
    for (int i = 1; i < *argc; i++)
        if (strcmp(argv[i], name) == 0) {
            memmove(&argv[i], &argv[i + 1], sizeof(char *) * (size_t)(*argc - i));
            (*argc)--;
            return true;
        }
    return false;
}

bool app_wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return true;
    return false;
}

bool app_common_flags(yt_config *cfg, int *argc, char **argv) {
    char err[256];
    const char *v;
    if ((v = app_flag(argc, argv, "--config")) && !config_read_file(cfg, v, err, sizeof err)) {
        fprintf(stderr, "yutang: %s\n", err);
        return false;
    }
    static const struct {
        const char *flag, *key;
    } map[] = {{"--db", "YUTANG_DB"}, {"--listen", "YUTANG_LISTEN"}, {"--data-key-file", "YUTANG_DATA_KEY_FILE"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if ((v = app_flag(argc, argv, map[i].flag)) && !config_set(cfg, map[i].key, v)) {
            fprintf(stderr, "yutang: bad value for %s\n", map[i].flag);
            return false;
        }
    return true;
}


/* Creates the parent directory of a SQLite path (one level, like ./var). */
static void ensure_parent(const char *path) {
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", path);
    char *dir = dirname(tmp);
    if (strcmp(dir, ".") != 0) mkdir(dir, 0700);
}

/* The database remembers a check value of its data key (meta.data_key_check), so starting with another
 * key (a missing key file silently replaced, a wrong YUTANG_DATA_KEY) is refused instead of leaving every
 * stored phone unreadable and every lookup missing. */
static bool check_data_key(yt_db *db, char *err, size_t errsz) {
    char check[YT_HASH_HEX];
    crypto_blind_index("data-key-check", "yutang", check);
    yt_rows *r = db_query(db, "SELECT value FROM meta WHERE key = 'data_key_check'", 0, NULL);
    if (!r) {
        snprintf(err, errsz, "cannot read the data key check: %s", db_error(db));
        return false;
    }
    bool known = rows_next(r);
    bool same = known && strcmp(rows_text(r, 0), check) == 0;
    rows_free(r);
    if (known && !same) {
        snprintf(err, errsz, "the data key is not the one this database was created with; set YUTANG_DATA_KEY or "
                             "--data-key-file to the original key (the key file beside the database unless configured)");
        return false;
    }
    if (!known) {
        yt_rows *sealed = db_query(db, "SELECT sealed FROM identities WHERE sealed IS NOT NULL LIMIT 1", 0, NULL);
        bool opens = true;
        if (sealed && rows_next(sealed)) {
            char *plain = crypto_pii_open(rows_text(sealed, 0));
            opens = plain != NULL;
            free(plain);
        }
        rows_free(sealed);
        if (!opens) {
            snprintf(err, errsz, "the data key cannot read the phone numbers stored in this database; set "
                                 "YUTANG_DATA_KEY or --data-key-file to the key they were stored with");
            return false;
        }
        yt_param p[] = {PT(check)};
        if (db_exec(db, "INSERT INTO meta(key, value) VALUES('data_key_check', ?)", 1, p) < 0) {
            snprintf(err, errsz, "cannot record the data key check: %s", db_error(db));
            return false;
        }
    }
    return true;
}

yt_store *app_open(yt_config *cfg) {
    if (!crypto_start()) {
        fprintf(stderr, "yutang: libsodium failed to start\n");
        return NULL;
    }
    if (!store_target_is_pg(cfg->db)) ensure_parent(cfg->db);
    char err[512];
    yt_store *s = store_open(cfg->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "yutang: %s\n", err);
        return NULL;
    }
    if (!store_migrate(store_db(s), err, sizeof err)) {
        fprintf(stderr, "yutang: %s\n", err);
        store_close(s);
        return NULL;
    }
    const char *err_s = NULL;
    bool key_ok;
    char keyfile[600] = "";
    if (cfg->data_key[0]) {
        key_ok = crypto_set_data_key_hex(cfg->data_key, &err_s);
    } else {
        if (cfg->data_key_file[0]) snprintf(keyfile, sizeof keyfile, "%s", cfg->data_key_file);
        else if (store_target_is_pg(cfg->db)) snprintf(keyfile, sizeof keyfile, "./var/yutang.key");
        else {
            char tmp[512];
            snprintf(tmp, sizeof tmp, "%s", cfg->db);
            snprintf(keyfile, sizeof keyfile, "%s/yutang.key", dirname(tmp));
        }
        /* a database that already has a key must never get a fresh one made up for it */
        bool has_check = db_query_int(store_db(s), "SELECT count(*) FROM meta WHERE key = 'data_key_check'", 0, NULL, 0) > 0;
        if (has_check && access(keyfile, F_OK) != 0) {
            fprintf(stderr, "yutang: the data key file %s is missing, and this database was created with a key; "
                            "restore it or set YUTANG_DATA_KEY\n", keyfile);
            store_close(s);
            return NULL;
        }
        ensure_parent(keyfile);
        key_ok = crypto_load_or_create_key_file(keyfile, &err_s);
    }
    if (!key_ok) {
        fprintf(stderr, "yutang: %s%s%s%s\n", err_s, keyfile[0] ? " (" : "", keyfile, keyfile[0] ? ")" : "");
        store_close(s);
        return NULL;
    }
    if (!check_data_key(store_db(s), err, sizeof err)) {
        fprintf(stderr, "yutang: %s\n", err);
        store_close(s);
        return NULL;
    }
    return s;
}

void app_usage(const yt_command *c) {
    printf("usage: yutang %s\n\n%s\n\ncommon flags: --db PATH_OR_URL  --config FILE  --data-key-file FILE\n"
           "environment: YUTANG_DB, YUTANG_LISTEN, YUTANG_DATA_KEY, YUTANG_ADMIN_PASSWORD, YUTANG_CONFIG\n",
           c->usage, c->summary);
}
