/* Unit tests for the SQLite store, its statement cache, migrations, crypto wrappers and the customer domain (merge,
 * erase). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/crypto.h"
#include "customer/customer.h"
#include "customer/identity.h"
#include "event/event.h"
#include "store/stmt_cache.h"
#include "base/metrics.h"
#include "store/store.h"
#include "store_fixture.h"

static void migrations_are_idempotent_and_refuse_newer(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    char err[256];
    assert_true(store_migrate(db, err, sizeof err));
    assert_int_equal(store_schema_version(db), store_latest_version());
    yt_param p[] = {PI(999), PI(0)};
    assert_true(db_exec(db, "INSERT INTO schema_version(version, applied_at) VALUES(?, ?)", 2, p) == 1);
    assert_false(store_migrate(db, err, sizeof err));
    assert_non_null(strstr(err, "newer"));
    assert_true(db_exec(db, "DELETE FROM schema_version WHERE version = 999", 0, NULL) == 1);
}

static void transactions_nest_and_roll_back(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    assert_int_equal(db_begin(db), 0);
    assert_int_equal(db_begin(db), 0);
    yt_param p[] = {PT("回滚店"), PI(1)};
    assert_true(db_exec(db, "INSERT INTO stores(name, created_at) VALUES(?, ?)", 2, p) == 1);
    db_rollback(db); /* an inner failure aborts everything */
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM stores WHERE name = '回滚店'", 0, NULL, -1), 0);
    assert_true(db_exec(db, "INSERT INTO stores(name, created_at) VALUES(?, ?)", 2, p) == 1);
    assert_true(db_exec(db, "INSERT INTO stores(name, created_at) VALUES(?, ?)", 2, p) < 0);
    assert_true(db_unique_violation(db));
}

static void pii_is_sealed_and_tamper_evident(void **state) {
    (void)state;
    char *s = crypto_pii_seal("13800138000");
    assert_null(strstr(s, "138"));
    char *o = crypto_pii_open(s);
    assert_string_equal(o, "13800138000");
    free(o);
    s[5] = s[5] == 'A' ? 'B' : 'A';
    assert_null(crypto_pii_open(s));
    free(s);
    char a[YT_HASH_HEX], b[YT_HASH_HEX], c[YT_HASH_HEX];
    crypto_blind_index("phone", "13800138000", a);
    crypto_blind_index("phone", "13800138000", b);
    crypto_blind_index("email", "13800138000", c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    char h[YT_PWHASH_LEN];
    assert_true(crypto_pw_hash("正确的密码123", h));
    assert_true(crypto_pw_verify(h, "正确的密码123"));
    assert_false(crypto_pw_verify(h, "wrong"));
}

static void merge_moves_everything_and_erase_removes_pii(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_ctx x = {.db = store_db(st), .who = yt_system_actor(), .arena = &arena};
    const char *tags_a[] = {"宝妈"}, *tags_b[] = {"有宠物", "宝妈"};
    customer_input a = {.name = "王小明", .ids.v[ID_PHONE] = "13800000001", .tags = tags_a, .ntags = 1};
    customer_input b = {.name = "小明", .ids.v[ID_UNIONID] = "union-b", .tags = tags_b, .ntags = 2};
    int64_t ida, idb;
    assert_int_equal(customer_create(&x, &a, &ida), YT_OK);
    assert_int_equal(customer_create(&x, &b, &idb), YT_OK);
    /* the same phone on another customer is a conflict */
    customer_input dup = {.name = "冒名", .ids.v[ID_PHONE] = "+86 138 0000 0001"};
    int64_t idd;
    assert_int_equal(customer_create(&x, &dup, &idd), YT_ECONFLICT);
    /* an event naming both identities merges the two records */
    event_in ev = {.who = {.ids.v = {[ID_PHONE] = "13800000001", [ID_UNIONID] = "union-b"}}, .type = "checkin", .at = 1, .key = "m1"};
    int acc, dups, nerr = 0;
    event_error errs[1];
    assert_int_equal(event_ingest(&x, &ev, 1, &acc, &dups, errs, &nerr), YT_OK);
    assert_int_equal(acc, 1);
    int64_t live;
    assert_int_equal(customer_resolve(&x, idb, &live), YT_OK);
    assert_int_equal(live, ida);
    assert_int_equal(identity_find(x.db, "unionid", "", "union-b"), ida);
    yt_param p[] = {PI(ida)};
    assert_int_equal(db_query_int(x.db, "SELECT count(*) FROM customer_tags WHERE customer_id = ?", 1, p, -1), 2);
    assert_int_equal(customer_erase(&x, ida), YT_OK);
    assert_int_equal(identity_find(x.db, "phone", "", "13800000001"), 0);
    assert_int_equal(db_query_int(x.db, "SELECT count(*) FROM customers WHERE id = ? AND name = '' AND erased_at IS NOT NULL",
                                  1, p, -1), 1);
    assert_true(db_query_int(x.db, "SELECT count(*) FROM audit_log WHERE action = 'customer.erase'", 0, NULL, 0) == 1);
    arena_free(&arena);
}

static char ran[16];
static void note(void *arg) { strncat(ran, (const char *)arg, sizeof ran - strlen(ran) - 1); }

/* In-memory followers learn of a change only after the outermost commit, never of one rolled back. */
static void after_commit_work_follows_the_outcome(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    while (db->tx_depth) db_rollback(db); /* an earlier test may leave its transaction open */
    ran[0] = '\0';
    db_after_commit(db, note, "0", 2); /* no transaction: at once */
    assert_string_equal(ran, "0");
    ran[0] = '\0';
    assert_int_equal(db_begin(db), 0);
    db_after_commit(db, note, "A", 2);
    assert_int_equal(db_begin(db), 0);
    db_after_commit(db, note, "B", 2);
    db_rollback(db); /* the savepoint: B never happens */
    assert_int_equal(db_begin(db), 0);
    db_after_commit(db, note, "C", 2);
    assert_int_equal(db_commit(db), 0); /* released, still pending */
    db_after_commit(db, note, "D", 2);
    assert_string_equal(ran, "");
    assert_int_equal(db_commit(db), 0);
    assert_string_equal(ran, "ACD");
    ran[0] = '\0';
    assert_int_equal(db_begin(db), 0);
    db_after_commit(db, note, "E", 2);
    assert_int_equal(db_begin(db), 0);
    db_after_commit(db, note, "F", 2);
    assert_int_equal(db_commit(db), 0);
    db_rollback(db); /* the whole transaction: neither */
    assert_int_equal(db_begin(db), 0);
    assert_int_equal(db_commit(db), 0);
    assert_string_equal(ran, "");
}

/* Texts that share a set stay cached side by side; the least recently used one makes room, never a pinned one. */
static void statement_cache_keeps_a_set_and_drops_the_least_used(void **state) {
    (void)state;
    stmt_entry e[STMT_WAYS] = {0};
    stmt_cache c = {e, 1, 0}; /* one set: every text shares it */
    const char *sql[] = {"SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4", "SELECT 5"};
    int at[STMT_WAYS];
    bool hit;
    for (int i = 0; i < STMT_WAYS; i++) {
        at[i] = stmt_cache_find(&c, sql[i], &hit);
        assert_false(hit);
        stmt_cache_fill(&c, at[i], sql[i]);
    }
    for (int i = STMT_WAYS - 1; i >= 0; i--) { /* all still there; "SELECT 4" is now the least recently used */
        assert_int_equal(stmt_cache_find(&c, sql[i], &hit), at[i]);
        assert_true(hit);
    }
    e[at[2]].pinned = true;
    assert_int_equal(stmt_cache_find(&c, sql[2], &hit), -1); /* in use: the caller prepares its own */
    assert_false(hit);
    int k = stmt_cache_find(&c, sql[4], &hit);
    assert_false(hit);
    assert_int_equal(k, at[3]);
    stmt_cache_fill(&c, k, sql[4]);
    for (int i = 0; i < STMT_WAYS; i++) e[i].pinned = i != at[1]; /* only "SELECT 2" may go */
    assert_int_equal(stmt_cache_find(&c, "SELECT 6", &hit), at[1]);
    for (int i = 0; i < STMT_WAYS; i++) e[i].pinned = true;
    assert_int_equal(stmt_cache_find(&c, "SELECT 6", &hit), -1);
    stmt_cache_clear(&c);
    assert_null(e[0].sql);
}

/* Is a thread named name running in this process? */
static bool thread_named(const char *name) {
    DIR *d = opendir("/proc/self/task");
    bool found = false;
    for (struct dirent *e; d && !found && (e = readdir(d));) {
        char path[300], comm[32] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        found = fgets(comm, sizeof comm, f) && strncmp(comm, name, strlen(name)) == 0 && comm[strlen(name)] == '\n';
        fclose(f);
    }
    if (d) closedir(d);
    return found;
}

static long file_size(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* An FNV-1a hash of a file's bytes (0 when it cannot be read). */
static uint64_t file_hash(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return 0;
    uint64_t h = 1469598103934665603ull;
    int c;
    while ((c = getc(fp)) != EOF) h = (h ^ (uint64_t)c) * 1099511628211ull;
    fclose(fp);
    return h;
}

static void note_durable(void *arg, bool durable) { *(int *)arg = durable ? 1 : -1; }

/* The writer's commits reach the log without waiting for the disk and are counted (autocommits too): the
 * store has a point pending until its sync thread has made them durable, for a waiter or a callback. A log
 * grown past its checkpoint length is copied into the database by the store's own thread, not by the
 * committing connection (whose after-commit checkpoint is off). */
static void commits_are_durable_in_groups_and_checkpointed_off_the_writer(void **state) {
    (void)state;
    char err[256];
    yt_store *plain = store_open(fx.target, err, sizeof err); /* a store without group durability (the CLI's) */
    assert_non_null(plain);
    yt_db *pw = store_writer_acquire(plain);
    assert_int_equal(db_query_int(pw, "PRAGMA synchronous", 0, NULL, -1), 2); /* FULL: each commit waits */
    assert_true(db_exec(pw, "CREATE TABLE plain(x)", 0, NULL) == 0);
    store_writer_release(plain);
    assert_true(store_pending(plain) == 0);
    store_close(plain);
    store_group_durability(st);
    yt_db *w = store_writer_acquire(st);
    assert_non_null(w);
    assert_int_equal(db_query_int(w, "PRAGMA synchronous", 0, NULL, -1), 1); /* NORMAL: the store syncs */
    assert_int_equal(db_exec_script(w, "CREATE TABLE ckpt(id INTEGER PRIMARY KEY, b BLOB)"), 0);
    assert_int_equal(db_begin(w), 0);
    assert_true(db_exec(w, "INSERT INTO ckpt(b) VALUES(zeroblob(100))", 0, NULL) == 1);
    assert_int_equal(db_commit(w), 0);
    store_writer_release(st);
    store_point p = store_pending(st);
    assert_true(p > 0);
    assert_int_equal(store_await(st, p), 0);
    assert_true(store_pending(st) == 0);
    assert_true(thread_named("yt-sync"));
    w = store_writer_acquire(st);
    assert_true(db_exec(w, "INSERT INTO ckpt(b) VALUES(zeroblob(10))", 0, NULL) == 1); /* an autocommit */
    store_writer_release(st);
    assert_true(store_pending(st) > p);
    int told = 0;
    store_when_durable(st, store_pending(st), note_durable, &told);
    for (int i = 0; i < 500 && !told; i++) usleep(1000);
    assert_int_equal(told, 1);
    assert_true(store_pending(st) == 0);
    told = 0;
    store_when_durable(st, 0, note_durable, &told); /* nothing to wait for: at once */
    assert_int_equal(told, 1);
    assert_int_equal(store_await(st, 0), 0);

    char dbfile[800];
    snprintf(dbfile, sizeof dbfile, "%s", fx.target);
    long before = file_size(dbfile);
    uint64_t checkpoints = metrics_checkpoints();
    w = store_writer_acquire(st);
    for (int i = 0; i < 150; i++) { /* 150 commits of 64 KiB: about 2,400 pages of log */
        assert_int_equal(db_begin(w), 0);
        assert_true(db_exec(w, "INSERT INTO ckpt(b) VALUES(randomblob(65536))", 0, NULL) == 1);
        assert_int_equal(db_commit(w), 0);
    }
    store_writer_release(st);
    assert_int_equal(store_await(st, store_pending(st)), 0);
    for (int i = 0; i < 500 && file_size(dbfile) < before + 4 * 1024 * 1024; i++) usleep(10000);
    assert_true(thread_named("yt-checkpoint"));
    assert_true(file_size(dbfile) >= before + 4 * 1024 * 1024); /* at least 1,000 pages copied in */
    /* the thread is asked once for each 1,000 pages the log grows, not after every commit past them (it then
     * checkpointed back to back, a sync of the database each time, and kept the log from starting again) */
    uint64_t copies = metrics_checkpoints() - checkpoints;
    assert_true(copies >= 1);
    assert_true(copies <= 4);
    yt_db *db = store_db(st);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM ckpt", 0, NULL, -1), 152);
    assert_int_equal(db_exec_script(db, "DROP TABLE ckpt"), 0);
}

/* A commit that only moves durable rows (yt_db.moves_durable: the flash journal filed) holds no answer; the
 * next ordinary commit does, and its sync covers both. */
static void a_commit_that_only_moves_durable_rows_holds_no_answer(void **state) {
    (void)state;
    store_group_durability(st);
    yt_db *w = store_writer_acquire(st);
    assert_int_equal(db_exec_script(w, "CREATE TABLE moved_from(x); CREATE TABLE moved_to(x); INSERT INTO moved_from VALUES(1)"), 0);
    store_writer_release(st);
    assert_int_equal(store_await(st, store_pending(st)), 0);
    assert_true(store_pending(st) == 0);
    w = store_writer_acquire(st);
    w->moves_durable = true;
    assert_int_equal(db_begin(w), 0);
    assert_true(db_exec(w, "INSERT INTO moved_to SELECT x FROM moved_from", 0, NULL) == 1);
    assert_true(db_exec(w, "DELETE FROM moved_from", 0, NULL) == 1);
    assert_int_equal(db_commit(w), 0);
    w->moves_durable = false;
    store_writer_release(st);
    assert_true(store_pending(st) == 0); /* nothing an answer shows waits for the disk */
    w = store_writer_acquire(st);
    assert_true(db_exec(w, "INSERT INTO moved_to VALUES(2)", 0, NULL) == 1);
    store_writer_release(st);
    store_point p = store_pending(st);
    assert_true(p > 0);
    assert_int_equal(store_await(st, p), 0);
    assert_true(store_pending(st) == 0);
    yt_db *db = store_db(st);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM moved_to", 0, NULL, -1), 2);
    assert_int_equal(db_exec_script(db, "DROP TABLE moved_from; DROP TABLE moved_to"), 0);
}

/* A log too short to wake the upkeep thread by itself (the last pages of a long write) is copied into the
 * database when asked (store_checkpoint_soon), by that thread, so the next burst of commits neither copies nor
 * checkpoints it inline. */
static void a_checkpoint_asked_copies_a_short_log(void **state) {
    (void)state;
    store_group_durability(st);
    yt_db *w = store_writer_acquire(st);
    assert_int_equal(db_exec_script(w, "CREATE TABLE soon(id INTEGER PRIMARY KEY, b BLOB)"), 0);
    store_writer_release(st);
    assert_int_equal(store_await(st, store_pending(st)), 0);
    char dbfile[800];
    snprintf(dbfile, sizeof dbfile, "%s", fx.target);
    usleep(100000); /* a checkpoint the table's creation asked for, if any, is over */
    uint64_t checkpoints = metrics_checkpoints();
    uint64_t before = file_hash(dbfile);
    w = store_writer_acquire(st);
    for (int i = 0; i < 4; i++) { /* 4 commits of 64 KiB: about 70 pages of log, far below 1,000 */
        assert_int_equal(db_begin(w), 0);
        assert_true(db_exec(w, "INSERT INTO soon(b) VALUES(randomblob(65536))", 0, NULL) == 1);
        assert_int_equal(db_commit(w), 0);
    }
    store_writer_release(st);
    assert_int_equal(store_await(st, store_pending(st)), 0);
    usleep(100000);
    assert_true(metrics_checkpoints() == checkpoints); /* not asked: the pages stay in the log, */
    assert_true(file_hash(dbfile) == before);          /* the database as it was */
    store_checkpoint_soon(st);
    for (int i = 0; i < 500 && metrics_checkpoints() == checkpoints; i++) usleep(10000);
    assert_true(metrics_checkpoints() > checkpoints);
    assert_true(file_hash(dbfile) != before); /* the pages copied in */
    yt_db *db = store_db(st);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM soon", 0, NULL, -1), 4);
    assert_int_equal(db_exec_script(db, "DROP TABLE soon"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migrations_are_idempotent_and_refuse_newer),
        cmocka_unit_test(transactions_nest_and_roll_back),
        cmocka_unit_test(statement_cache_keeps_a_set_and_drops_the_least_used),
        cmocka_unit_test(after_commit_work_follows_the_outcome),
        cmocka_unit_test(pii_is_sealed_and_tamper_evident),
        cmocka_unit_test(merge_moves_everything_and_erase_removes_pii),
        cmocka_unit_test(commits_are_durable_in_groups_and_checkpointed_off_the_writer),
        cmocka_unit_test(a_checkpoint_asked_copies_a_short_log),
        cmocka_unit_test(a_commit_that_only_moves_durable_rows_holds_no_answer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
