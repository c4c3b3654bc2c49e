/* Forward-only schema migrations, one list per dialect; the version lives in schema_version. */
#include "store.h"
#include "../base/timeutil.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    int version;
    const char *sql;
} migration;

static const migration sqlite_migrations[] = {
    {1,
     "CREATE TABLE stores(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, city TEXT NOT NULL DEFAULT '',"
     "  created_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE staff(id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,"
     "  role TEXT NOT NULL, store_id INTEGER REFERENCES stores(id), pw_hash TEXT NOT NULL,"
     "  active INTEGER NOT NULL DEFAULT 1, failed_logins INTEGER NOT NULL DEFAULT 0,"
     "  locked_until INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE tokens(id INTEGER PRIMARY KEY, staff_id INTEGER NOT NULL REFERENCES staff(id), kind TEXT NOT NULL,"
     "  name TEXT NOT NULL DEFAULT '', token_hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL DEFAULT '',"
     "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER) STRICT;"
     "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', nickname TEXT NOT NULL DEFAULT '',"
     "  avatar_url TEXT, gender TEXT NOT NULL DEFAULT 'unknown', birthday TEXT, city TEXT NOT NULL DEFAULT '',"
     "  store_id INTEGER REFERENCES stores(id), owner_id INTEGER REFERENCES staff(id),"
     "  lifecycle TEXT NOT NULL DEFAULT 'stranger', member_level INTEGER NOT NULL DEFAULT 0,"
     "  points INTEGER NOT NULL DEFAULT 0, consent TEXT NOT NULL DEFAULT 'unknown', consent_at INTEGER,"
     "  consent_source TEXT, merged_into INTEGER, erased_at INTEGER,"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX customers_owner ON customers(owner_id, id);"
     "CREATE INDEX customers_store ON customers(store_id, id);"
     "CREATE TABLE identities(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  kind TEXT NOT NULL, platform TEXT NOT NULL DEFAULT '', lookup TEXT NOT NULL, sealed TEXT,"
     "  created_at INTEGER NOT NULL, UNIQUE(kind, platform, lookup)) STRICT;"
     "CREATE INDEX identities_customer ON identities(customer_id);"
     "CREATE TABLE tag_groups(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
     "  group_id INTEGER REFERENCES tag_groups(id) ON DELETE SET NULL, created_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE customer_tags(customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE, created_at INTEGER NOT NULL,"
     "  PRIMARY KEY(customer_id, tag_id)) STRICT, WITHOUT ROWID;"
     "CREATE INDEX customer_tags_tag ON customer_tags(tag_id, customer_id);"
     "CREATE TABLE remarks(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  kind TEXT NOT NULL, body TEXT NOT NULL, author_id INTEGER, created_at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX remarks_customer ON remarks(customer_id, id);"
     "CREATE TABLE events(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, type TEXT NOT NULL,"
     "  at INTEGER NOT NULL, properties TEXT NOT NULL DEFAULT '{}', key TEXT UNIQUE,"
     "  created_at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX events_customer ON events(customer_id, at, id);"
     "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  platform TEXT NOT NULL, external_id TEXT NOT NULL, ordered_at INTEGER NOT NULL,"
     "  quantity INTEGER NOT NULL, amount_fen INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'paid',"
     "  created_at INTEGER NOT NULL, UNIQUE(platform, external_id)) STRICT;"
     "CREATE INDEX orders_customer ON orders(customer_id, ordered_at);"
     "CREATE TABLE audit_log(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_id INTEGER, actor TEXT NOT NULL,"
     "  action TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL DEFAULT '',"
     "  summary TEXT NOT NULL DEFAULT '{}') STRICT;"
     "CREATE VIRTUAL TABLE customer_fts USING fts5(name, nickname, remarks, tokenize='trigram');"},
    {2,
     "CREATE TABLE idempotency_keys(staff_id INTEGER NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,"
     "  status INTEGER NOT NULL, content_type TEXT NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL,"
     "  PRIMARY KEY(staff_id, key)) STRICT;"
     "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);"},
    {3,
     "ALTER TABLE idempotency_keys ADD COLUMN customer_id INTEGER;"
     "CREATE INDEX idempotency_keys_customer ON idempotency_keys(customer_id);"
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"},
    {4,
     "ALTER TABLE idempotency_keys ADD COLUMN perms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE staff ADD COLUMN failed_since INTEGER NOT NULL DEFAULT 0;"},
    /* event keys are unique per source (the staff member whose token sent them, 0 for the system), so
     * one source cannot claim a key first and have another's real event counted as a duplicate */
    {5,
     "CREATE TABLE events_new(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, type TEXT NOT NULL,"
     "  at INTEGER NOT NULL, properties TEXT NOT NULL DEFAULT '{}', key TEXT, source_id INTEGER NOT NULL DEFAULT 0,"
     "  created_at INTEGER NOT NULL, UNIQUE(source_id, key)) STRICT;"
     "INSERT INTO events_new(id, customer_id, type, at, properties, key, source_id, created_at)"
     "  SELECT id, customer_id, type, at, properties, key, 0, created_at FROM events;"
     "DROP TABLE events;"
     "ALTER TABLE events_new RENAME TO events;"
     "CREATE INDEX events_customer ON events(customer_id, at, id);"},
    /* failed logins, keyed by a keyed hash of the username and client address (and of the username
     * alone, for the slower per-account limit): known and unknown usernames are counted alike */
    {6,
     "CREATE TABLE login_failures(key TEXT PRIMARY KEY, account TEXT NOT NULL, failures INTEGER NOT NULL,"
     "  since INTEGER NOT NULL, locked_until INTEGER NOT NULL) STRICT;"
     "CREATE INDEX login_failures_account ON login_failures(account);"},
    /* the change feed: one row per change to what in-memory indexes follow, written in the transaction
     * of the change; seq orders them (one writer at a time: the order of commits) */
    {7,
     "CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, tx INTEGER NOT NULL DEFAULT 0, at INTEGER NOT NULL,"
     "  kind TEXT NOT NULL, customer_id INTEGER, ref_id INTEGER) STRICT;"},
    /* budgets shared by every instance on the store (the masked-phone lookup budget): a token bucket as
     * the time at which the key's bucket is full again */
    {8, "CREATE TABLE budgets(key TEXT PRIMARY KEY, tat INTEGER NOT NULL) STRICT;"},
};

static const migration pg_migrations[] = {
    {1,
     "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
     "CREATE TABLE stores(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, city TEXT NOT NULL DEFAULT '',"
     "  created_at BIGINT NOT NULL);"
     "CREATE TABLE staff(id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,"
     "  role TEXT NOT NULL, store_id BIGINT REFERENCES stores(id), pw_hash TEXT NOT NULL,"
     "  active BIGINT NOT NULL DEFAULT 1, failed_logins BIGINT NOT NULL DEFAULT 0,"
     "  locked_until BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE TABLE tokens(id BIGSERIAL PRIMARY KEY, staff_id BIGINT NOT NULL REFERENCES staff(id), kind TEXT NOT NULL,"
     "  name TEXT NOT NULL DEFAULT '', token_hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL DEFAULT '',"
     "  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT);"
     "CREATE TABLE customers(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL DEFAULT '', nickname TEXT NOT NULL DEFAULT '',"
     "  avatar_url TEXT, gender TEXT NOT NULL DEFAULT 'unknown', birthday TEXT, city TEXT NOT NULL DEFAULT '',"
     "  store_id BIGINT REFERENCES stores(id), owner_id BIGINT REFERENCES staff(id),"
     "  lifecycle TEXT NOT NULL DEFAULT 'stranger', member_level BIGINT NOT NULL DEFAULT 0,"
     "  points BIGINT NOT NULL DEFAULT 0, consent TEXT NOT NULL DEFAULT 'unknown', consent_at BIGINT,"
     "  consent_source TEXT, merged_into BIGINT, erased_at BIGINT,"
     "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE INDEX customers_owner ON customers(owner_id, id);"
     "CREATE INDEX customers_store ON customers(store_id, id);"
     "CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops);"
     "CREATE INDEX customers_nick_trgm ON customers USING gin (nickname gin_trgm_ops);"
     "CREATE TABLE identities(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  kind TEXT NOT NULL, platform TEXT NOT NULL DEFAULT '', lookup TEXT NOT NULL, sealed TEXT,"
     "  created_at BIGINT NOT NULL, UNIQUE(kind, platform, lookup));"
     "CREATE INDEX identities_customer ON identities(customer_id);"
     "CREATE TABLE tag_groups(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL);"
     "CREATE TABLE tags(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
     "  group_id BIGINT REFERENCES tag_groups(id) ON DELETE SET NULL, created_at BIGINT NOT NULL);"
     "CREATE TABLE customer_tags(customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE, created_at BIGINT NOT NULL,"
     "  PRIMARY KEY(customer_id, tag_id));"
     "CREATE INDEX customer_tags_tag ON customer_tags(tag_id, customer_id);"
     "CREATE TABLE remarks(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  kind TEXT NOT NULL, body TEXT NOT NULL, author_id BIGINT, created_at BIGINT NOT NULL);"
     "CREATE INDEX remarks_customer ON remarks(customer_id, id);"
     "CREATE INDEX remarks_body_trgm ON remarks USING gin (body gin_trgm_ops);"
     "CREATE TABLE events(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL, type TEXT NOT NULL,"
     "  at BIGINT NOT NULL, properties TEXT NOT NULL DEFAULT '{}', key TEXT UNIQUE,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX events_customer ON events(customer_id, at, id);"
     "CREATE TABLE orders(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  platform TEXT NOT NULL, external_id TEXT NOT NULL, ordered_at BIGINT NOT NULL,"
     "  quantity BIGINT NOT NULL, amount_fen BIGINT NOT NULL, status TEXT NOT NULL DEFAULT 'paid',"
     "  created_at BIGINT NOT NULL, UNIQUE(platform, external_id));"
     "CREATE INDEX orders_customer ON orders(customer_id, ordered_at);"
     "CREATE TABLE audit_log(id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, actor_id BIGINT, actor TEXT NOT NULL,"
     "  action TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL DEFAULT '',"
     "  summary TEXT NOT NULL DEFAULT '{}');"},
    {2,
     "CREATE TABLE idempotency_keys(staff_id BIGINT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,"
     "  status BIGINT NOT NULL, content_type TEXT NOT NULL, response TEXT NOT NULL, created_at BIGINT NOT NULL,"
     "  PRIMARY KEY(staff_id, key));"
     "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);"},
    {3,
     "ALTER TABLE idempotency_keys ADD COLUMN customer_id BIGINT;"
     "CREATE INDEX idempotency_keys_customer ON idempotency_keys(customer_id);"
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"},
    {4,
     "ALTER TABLE idempotency_keys ADD COLUMN perms BIGINT NOT NULL DEFAULT 0;"
     "ALTER TABLE staff ADD COLUMN failed_since BIGINT NOT NULL DEFAULT 0;"},
    {5,
     "ALTER TABLE events ADD COLUMN source_id BIGINT NOT NULL DEFAULT 0;"
     "ALTER TABLE events DROP CONSTRAINT events_key_key;"
     "ALTER TABLE events ADD CONSTRAINT events_source_key UNIQUE (source_id, key);"},
    {6,
     "CREATE TABLE login_failures(key TEXT PRIMARY KEY, account TEXT NOT NULL, failures BIGINT NOT NULL,"
     "  since BIGINT NOT NULL, locked_until BIGINT NOT NULL);"
     "CREATE INDEX login_failures_account ON login_failures(account);"},
    /* tx is the writing transaction's id: a follower reads whole transactions older than every running
     * one, since sequence numbers are taken in one order and committed in another */
    {7,
     "CREATE TABLE changes(seq BIGSERIAL PRIMARY KEY, tx BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL,"
     "  customer_id BIGINT, ref_id BIGINT);"
     "CREATE INDEX changes_tx ON changes(tx, seq);"},
    {8, "CREATE TABLE budgets(key TEXT PRIMARY KEY, tat BIGINT NOT NULL);"},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const migration *list_for(yt_dialect d, int *n) {
    if (d == YT_PG) {
        *n = COUNT(pg_migrations);
        return pg_migrations;
    }
    *n = COUNT(sqlite_migrations);
    return sqlite_migrations;
}

int store_latest_version(yt_dialect d) {
    int n;
    const migration *m = list_for(d, &n);
    return m[n - 1].version;
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
    const migration *m = list_for(d, &n);
    int current = store_schema_version(db);
    if (current > m[n - 1].version) {
        snprintf(err, errsz, "database schema version %d is newer than this yutang (%d); upgrade yutang",
                 current, m[n - 1].version);
        return false;
    }
    for (int i = 0; i < n; i++) {
        if (m[i].version <= current) continue;
        if (db_begin(db) != 0 || db_exec_script(db, m[i].sql) != 0) {
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
