/* A fresh store for a unit test: a SQLite file in a temporary folder, or, with pg set, a new database on
 * the PostgreSQL server named by YT_TEST_PG_URL (dropped again by fixture_close). A test including this
 * gets st, the store of the running group, and setup/teardown for cmocka (pg_url NULL: SQLite). */
#ifndef YT_STORE_FIXTURE_H
#define YT_STORE_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/crypto.h"
#include "store/store.h"

typedef struct {
    char dir[64], pg_base[512], pg_name[64], target[700];
} store_fixture;

/* Opens (and migrates) a new store; NULL on failure. f->target names it, for a second store_open. */
static yt_store *fixture_open(store_fixture *f, const char *pg_base) {
    char err[256];
    const char *e;
    if (!crypto_start() ||
        !crypto_set_data_key_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &e))
        return NULL;
    if (pg_base && *pg_base) {
        snprintf(f->pg_base, sizeof f->pg_base, "%s", pg_base);
        static int n;
        snprintf(f->pg_name, sizeof f->pg_name, "yt_unit_%d_%d", (int)getpid(), ++n);
        yt_store *base = store_open(pg_base, err, sizeof err);
        if (!base) return NULL;
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->pg_name);
        int rc = db_exec_script(store_db(base), sql);
        store_close(base);
        if (rc != 0) return NULL;
        const char *slash = strrchr(pg_base, '/');
        snprintf(f->target, sizeof f->target, "%.*s/%s", (int)(slash - pg_base), pg_base, f->pg_name);
    } else {
        snprintf(f->dir, sizeof f->dir, "/tmp/yt-unit-XXXXXX");
        if (!mkdtemp(f->dir)) return NULL;
        snprintf(f->target, sizeof f->target, "%s/t.db", f->dir);
    }
    yt_store *st = store_open(f->target, err, sizeof err);
    if (st && !store_migrate(store_db(st), err, sizeof err)) {
        store_close(st);
        return NULL;
    }
    return st;
}

static int fixture_close(store_fixture *f, yt_store *st) {
    store_close(st);
    if (f->pg_name[0]) {
        char err[256], sql[128];
        yt_store *base = store_open(f->pg_base, err, sizeof err);
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->pg_name);
        if (base) db_exec_script(store_db(base), sql);
        store_close(base);
        return 0;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    return system(cmd) == 0 ? 0 : -1;
}

static store_fixture fx;
static yt_store *st;
static const char *pg_url;

static int setup(void **state) {
    (void)state;
    return (st = fixture_open(&fx, pg_url)) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    return fixture_close(&fx, st);
}

#endif
