/* Forward-only schema migrations gathered from the module entries; the version lives in schema_version. */
#include "store.h"
#include "../modules.h"
#include "../base/timeutil.h"
#include <stdio.h>
#include <string.h>

int store_latest_version(void) {
    int n;
    const yt_migration *m = modules_migrations(&n);
    return n ? m[n - 1].version : 0;
}

int store_schema_version(yt_db *db) {
    return (int)db_query_int(db, "SELECT max(version) FROM schema_version", 0, NULL, 0);
}

bool store_migrate(yt_db *db, char *err, size_t errsz) {
    yt_dialect d = db_dialect(db);
    const char *create = d == YT_PG
        ? "CREATE TABLE IF NOT EXISTS schema_version(version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)"
        : "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";
    if (db_exec_script(db, create) != 0) {
        snprintf(err, errsz, "cannot create schema_version: %s", db_error(db));
        return false;
    }
    int n;
    const yt_migration *m = modules_migrations(&n);
    int current = store_schema_version(db);
    if (current > m[n - 1].version) {
        snprintf(err, errsz, "database schema version %d is newer than this yutang (%d); upgrade yutang",
                 current, m[n - 1].version);
        return false;
    }
    for (int i = 0; i < n; i++) {
        if (m[i].version <= current) continue;
        if (db_begin(db) != 0 || db_exec_script(db, d == YT_PG ? m[i].pg : m[i].sqlite) != 0) {
            snprintf(err, errsz, "migration %d failed: %s", m[i].version, db_error(db));
            db_rollback(db);
            return false;
        }
        yt_param p[] = {PI(m[i].version), PI(now_ms())};
        if (db_exec(db, "INSERT INTO schema_version(version, applied_at) VALUES(?, ?)", 2, p) < 0 ||
            db_commit(db) != 0) {
            snprintf(err, errsz, "migration %d failed: %s", m[i].version, db_error(db));
            db_rollback(db);
            return false;
        }
    }
    return true;
}
