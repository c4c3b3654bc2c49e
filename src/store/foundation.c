/* The foundation's schema: the migrations written before modules had entries of their own (versions 1-8,
 * covering customers, identities, tags, events, orders, staff, tokens, audit, idempotency and the change
 * feed). Later migrations belong to the entry of the module they serve. */
#include "../module.h"

static const yt_migration foundation_migrations[] = {
    {1,
     /* SQLite */
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
     "CREATE VIRTUAL TABLE customer_fts USING fts5(name, nickname, remarks, tokenize='trigram');",
     /* PostgreSQL */
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
     /* SQLite */
     "CREATE TABLE idempotency_keys(staff_id INTEGER NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,"
     "  status INTEGER NOT NULL, content_type TEXT NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL,"
     "  PRIMARY KEY(staff_id, key)) STRICT;"
     "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);",
     /* PostgreSQL */
     "CREATE TABLE idempotency_keys(staff_id BIGINT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,"
     "  status BIGINT NOT NULL, content_type TEXT NOT NULL, response TEXT NOT NULL, created_at BIGINT NOT NULL,"
     "  PRIMARY KEY(staff_id, key));"
     "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);"},
    {3,
     /* SQLite */
     "ALTER TABLE idempotency_keys ADD COLUMN customer_id INTEGER;"
     "CREATE INDEX idempotency_keys_customer ON idempotency_keys(customer_id);"
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;",
     /* PostgreSQL */
     "ALTER TABLE idempotency_keys ADD COLUMN customer_id BIGINT;"
     "CREATE INDEX idempotency_keys_customer ON idempotency_keys(customer_id);"
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"},
    {4,
     /* SQLite */
     "ALTER TABLE idempotency_keys ADD COLUMN perms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE staff ADD COLUMN failed_since INTEGER NOT NULL DEFAULT 0;",
     /* PostgreSQL */
     "ALTER TABLE idempotency_keys ADD COLUMN perms BIGINT NOT NULL DEFAULT 0;"
     "ALTER TABLE staff ADD COLUMN failed_since BIGINT NOT NULL DEFAULT 0;"},
    /* event keys are unique per source (the staff member whose token sent them, 0 for the system), so
     * one source cannot claim a key first and have another's real event counted as a duplicate */
    {5,
     /* SQLite */
     "CREATE TABLE events_new(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, type TEXT NOT NULL,"
     "  at INTEGER NOT NULL, properties TEXT NOT NULL DEFAULT '{}', key TEXT, source_id INTEGER NOT NULL DEFAULT 0,"
     "  created_at INTEGER NOT NULL, UNIQUE(source_id, key)) STRICT;"
     "INSERT INTO events_new(id, customer_id, type, at, properties, key, source_id, created_at)"
     "  SELECT id, customer_id, type, at, properties, key, 0, created_at FROM events;"
     "DROP TABLE events;"
     "ALTER TABLE events_new RENAME TO events;"
     "CREATE INDEX events_customer ON events(customer_id, at, id);",
     /* PostgreSQL */
     "ALTER TABLE events ADD COLUMN source_id BIGINT NOT NULL DEFAULT 0;"
     "ALTER TABLE events DROP CONSTRAINT events_key_key;"
     "ALTER TABLE events ADD CONSTRAINT events_source_key UNIQUE (source_id, key);"},
    /* failed logins, keyed by a keyed hash of the username and client address (and of the username
     * alone, for the slower per-account limit): known and unknown usernames are counted alike */
    {6,
     /* SQLite */
     "CREATE TABLE login_failures(key TEXT PRIMARY KEY, account TEXT NOT NULL, failures INTEGER NOT NULL,"
     "  since INTEGER NOT NULL, locked_until INTEGER NOT NULL) STRICT;"
     "CREATE INDEX login_failures_account ON login_failures(account);",
     /* PostgreSQL */
     "CREATE TABLE login_failures(key TEXT PRIMARY KEY, account TEXT NOT NULL, failures BIGINT NOT NULL,"
     "  since BIGINT NOT NULL, locked_until BIGINT NOT NULL);"
     "CREATE INDEX login_failures_account ON login_failures(account);"},
    /* the change feed: one row per change to what in-memory indexes follow, written in the transaction
     * of the change; seq orders them (one writer at a time: the order of commits) */
    {7,
     /* SQLite */
     "CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, tx INTEGER NOT NULL DEFAULT 0, at INTEGER NOT NULL,"
     "  kind TEXT NOT NULL, customer_id INTEGER, ref_id INTEGER) STRICT;",
     /* PostgreSQL */
     "CREATE TABLE changes(seq BIGSERIAL PRIMARY KEY, tx BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL,"
     "  customer_id BIGINT, ref_id BIGINT);"
     "CREATE INDEX changes_tx ON changes(tx, seq);"},
    /* budgets shared by every instance on the store (the masked-phone lookup budget): a token bucket as
     * the time at which the key's bucket is full again */
    {8,
     /* SQLite */
     "CREATE TABLE budgets(key TEXT PRIMARY KEY, tat INTEGER NOT NULL) STRICT;",
     /* PostgreSQL */
     "CREATE TABLE budgets(key TEXT PRIMARY KEY, tat BIGINT NOT NULL);"},
};

const yt_module foundation_module = {.name = "foundation", .migrations = foundation_migrations,
                                     .nmigrations = YT_COUNT(foundation_migrations)};
