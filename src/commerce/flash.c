/* Flash sales: each sale's lease of stock and its buyers' counts in memory, the committer thread that writes
 * reserved orders in groups against the store's leases and buyers' rows (each group answered once it is
 * durable), and the sweep that closes unpaid orders and renews, reclaims and gives back leases. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "flash.h"
#include "buyer_map.h"
#include "flash_journal.h"
#include "mall_order.h"
#include "catalog.h"
#include "../base/alloc.h"
#include "../base/ids.h"
#include "../base/log.h"
#include "../base/metrics.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GROUP_MAX 2048          /* orders in one transaction at most */
#define SWEEP_MS 1000           /* unpaid orders, idle leases and lost instances' leases are looked for this often */
#define LEASE_BLOCK 1024        /* units an instance leases beyond what a group needs */
#define LEASE_LOW (LEASE_BLOCK / 4) /* a group leases more when fewer than this would be left */
#define FILE_CHUNK 1024         /* journal rows filed into mall_orders in one transaction while no order comes: an
                                   order that comes meanwhile waits for one (13-15 ms; 28-30 with 4,096, which files
                                   about a quarter faster: bench/RESULTS.md) */
#define FILE_STEP 1024          /* journal rows due for filing, filed in one transaction when no group came (file_step) */
#define FILE_AGE_MS 300000      /* journal rows older than this are due for filing even while orders keep coming (a
                                   sale at full speed pays 4-5 times an order's time to file one: file_step) */
#define EXHAUSTED_MS 1000       /* after the store had too few units to lease, orders the lease cannot cover are
                                   refused at once for this long (units released meanwhile are then leased again) */
#define GATHER_SIBLINGS 16      /* a group gathers (cfg.gather_us) only after one of at least this many orders */

typedef struct {
    int64_t id, sku_id, price, stock, limit, starts_at, pay_window_ms;
    _Atomic int64_t ends_at; /* a stop brings it forward (flash_sale_stop here, a group's read of the store) */
    pthread_mutex_t mu;   /* the fields below */
    int64_t avail;        /* units of this instance's lease that no queued order has reserved */
    int64_t reserved;     /* units queued orders reserved from the lease */
    int64_t exhausted_at; /* when the store last had too few units to lease; 0 when it had enough */
    int64_t last_order;   /* when an order last reserved (a lease idle for long goes back to the sale) */
    buyer_map buyers;
} sale;

typedef struct pending_order {
    sale *s;
    int64_t customer_id, quantity, at; /* customer_id: as given, then the live one the group found */
    int64_t staff_id, member_id;       /* who ordered (0 when not staff, or not a member) */
    bool own_customers_only;           /* a guide: only their own customers */
    bool leased; /* reserved from the lease in memory (else the group leases for it) */
    flash_done_fn done;
    void *arg;
    flash_outcome out; /* what its group made of it, kept until the group is durable */
    struct pending_order *next;
} pending_order;

struct flash_engine {
    yt_store *store;
    flash_config cfg;
    pthread_rwlock_t lock; /* the sales list */
    pthread_mutex_t load_mu; /* one loader of a sale made elsewhere at a time */
    sale **sales;
    size_t nsales, cap;
    pthread_mutex_t qmu;
    pthread_cond_t qcv;
    pending_order *head, **tail;
    size_t queued; /* orders in the queue */
    bool stop;
    pthread_t committer;
    /* the committer's own (no lock): what it wrote to the journal since it last found it empty */
    bool journal_rows;   /* some rows may be unfiled */
    int64_t journal_due; /* the earliest payment deadline among them (the sweep files them by then) */
    int64_t last_group;  /* when the last group was written: filing waits for file_idle_ms of quiet (quiet_ms) */
    size_t last_n;       /* the orders of the last group (a gather follows a large one written recently) */
    bool file_due;       /* the beat found rows due (a payment window, or FILE_AGE_MS): filed between groups */
    /* set by the store's sync thread as it answers groups */
    _Atomic int unanswered;      /* groups written and not yet answered */
    _Atomic int64_t answered_at; /* when the last group was answered */
};

/* A written group on its way to its answers (group_durable). */
typedef struct {
    flash_engine *f;
    pending_order *orders;
} written_group;

static sale *find_sale(flash_engine *f, int64_t id) {
    sale *s = NULL;
    pthread_rwlock_rdlock(&f->lock);
    for (size_t i = 0; i < f->nsales && !s; i++)
        if (f->sales[i]->id == id) s = f->sales[i];
    pthread_rwlock_unlock(&f->lock);
    return s;
}

/* A sale from its row's values, not yet seen by other threads (the caller owns it until add_sale). */
static sale *new_sale(const int64_t *v) {
    sale *s = yt_calloc(1, sizeof *s);
    s->id = v[0], s->sku_id = v[1], s->price = v[2], s->stock = v[3], s->limit = v[4];
    s->starts_at = v[5], s->pay_window_ms = v[7];
    s->ends_at = v[6];
    pthread_mutex_init(&s->mu, NULL);
    return s;
}

/* Publishes a sale whose counters are complete; the engine owns it from here. */
static sale *add_sale(flash_engine *f, sale *s) {
    pthread_rwlock_wrlock(&f->lock);
    if (f->nsales == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->sales = yt_realloc(f->sales, f->cap * sizeof *f->sales);
    }
    f->sales[f->nsales++] = s;
    pthread_rwlock_unlock(&f->lock);
    return s;
}

#define SALE_COLS "id, sku_id, price, stock, per_customer_limit, starts_at, ends_at, pay_window_ms"

static int cmp_sale_id(const void *a, const void *b) {
    int64_t x = (*(sale *const *)a)->id, y = (*(sale *const *)b)->id;
    return (x > y) - (x < y);
}

static void free_sale(sale *s) {
    pthread_mutex_destroy(&s->mu);
    buyer_map_free(&s->buyers);
    free(s);
}

/* Every sale (id 0), or one, with what its buyers hold: built whole, then published, so no thread sees a sale
 * whose counters are still being filled. A sale starts with no lease; its first orders lease. */
static int load(flash_engine *f, yt_db *db, int64_t id) {
    yt_param p[] = {PI(id), PI(id)};
    yt_rows *r = db_query(db, "SELECT " SALE_COLS " FROM flash_sales WHERE (? = 0 OR id = ?) ORDER BY id", 2, p);
    if (!r) return -1;
    sale **got = NULL;
    size_t nsales = 0, cap = 0;
    while (rows_next(r)) {
        int64_t v[8];
        for (int i = 0; i < 8; i++) v[i] = rows_int(r, i);
        if (nsales == cap) got = yt_realloc(got, (cap = cap ? cap * 2 : 16) * sizeof *got);
        got[nsales++] = new_sale(v);
    }
    rows_free(r);
    r = db_query(db, "SELECT sale_id, customer_id, quantity FROM flash_buyers WHERE (? = 0 OR sale_id = ?) AND quantity > 0", 2, p);
    if (!r) {
        for (size_t i = 0; i < nsales; i++) free_sale(got[i]);
        free(got);
        return -1;
    }
    while (rows_next(r)) {
        sale key = {.id = rows_int(r, 0)}, *kp = &key, **at = bsearch(&kp, got, nsales, sizeof *got, cmp_sale_id);
        if (at) *buyer_slot(&(*at)->buyers, rows_int(r, 1)) = rows_int(r, 2);
    }
    rows_free(r);
    for (size_t i = 0; i < nsales; i++) add_sale(f, got[i]);
    free(got);
    return 0;
}

/* The sale, loaded from the store when another instance made it after this one started. One thread loads
 * at a time (the engine's load lock), so a sale is never held twice. */
static sale *find_or_load(flash_engine *f, int64_t id) {
    sale *s = find_sale(f, id);
    if (s) return s;
    yt_db *db = store_db(f->store);
    if (!db) return NULL;
    pthread_mutex_lock(&f->load_mu);
    if (!(s = find_sale(f, id)) && load(f, db, id) != 0) log_error("flash sales: cannot load sale %lld: %s", (long long)id, db_error(db));
    if (!s) s = find_sale(f, id);
    pthread_mutex_unlock(&f->load_mu);
    return s;
}

/* Takes back a refused or unwritten order's units from the buyer's count (never below nothing: the count is
 * this instance's view, and another instance may have closed an order it never saw). */
static void buyer_take_locked(sale *s, int64_t customer, int64_t qty) {
    int64_t *mine = buyer_slot(&s->buyers, customer);
    *mine = *mine > qty ? *mine - qty : 0;
    if (!*mine) buyer_forget(&s->buyers, mine); /* ids that hold nothing leave nothing behind */
}

static void buyer_give_back(sale *s, int64_t customer, int64_t qty) {
    pthread_mutex_lock(&s->mu);
    buyer_take_locked(s, customer, qty);
    pthread_mutex_unlock(&s->mu);
}

int flash_order(flash_engine *f, int64_t sale_id, int64_t customer_id, int64_t quantity, const yt_actor *who,
                flash_done_fn done, void *arg, yt_err *err) {
    sale *s = find_or_load(f, sale_id);
    if (!s) {
        err->code = YT_ENOTFOUND;
        snprintf(err->msg, sizeof err->msg, "no flash sale with id %lld", (long long)sale_id);
        return err->code;
    }
    if (quantity < 1 || quantity > FLASH_QTY_MAX) {
        err->code = YT_EINVAL;
        snprintf(err->field, sizeof err->field, "quantity");
        snprintf(err->msg, sizeof err->msg, "must be 1 to %d", FLASH_QTY_MAX);
        return err->code;
    }
    int64_t now = now_ms();
    if (now < s->starts_at || now >= s->ends_at) {
        err->code = 422;
        snprintf(err->field, sizeof err->field, "flash_sale");
        snprintf(err->msg, sizeof err->msg, "the flash sale %s", now >= s->ends_at ? "is over" : "has not started");
        return err->code;
    }
    pthread_mutex_lock(&s->mu);
    int64_t *mine = buyer_slot(&s->buyers, customer_id);
    bool leased = s->avail >= quantity;
    const char *refusal = !leased && s->exhausted_at && now - s->exhausted_at < EXHAUSTED_MS ? "sold-out"
                          : *mine + quantity > s->limit                                      ? "limit-reached"
                                                                                             : NULL;
    if (!refusal) {
        if (leased) s->avail -= quantity, s->reserved += quantity;
        *mine += quantity;
        s->last_order = now;
    }
    int64_t had = *mine;
    if (!had) buyer_forget(&s->buyers, mine); /* refused at once, holding nothing */
    pthread_mutex_unlock(&s->mu);
    if (refusal) {
        err->code = YT_ECONFLICT;
        snprintf(err->field, sizeof err->field, "%s", refusal);
        if (refusal[0] == 's') snprintf(err->msg, sizeof err->msg, "sold out");
        else snprintf(err->msg, sizeof err->msg, "at most %lld per customer; this customer has %lld", (long long)s->limit, (long long)had);
        return err->code;
    }
    pending_order *o = yt_calloc(1, sizeof *o);
    *o = (pending_order){.s = s, .customer_id = customer_id, .quantity = quantity, .at = now, .staff_id = who->staff_id,
                         .member_id = who->member_id, .own_customers_only = who->own_customers_only, .leased = leased,
                         .done = done, .arg = arg};
    pthread_mutex_lock(&f->qmu);
    *f->tail = o;
    f->tail = &o->next;
    f->queued++;
    if (f->queued == 1 || f->queued == FLASH_GATHER_FULL) pthread_cond_signal(&f->qcv); /* what the committer waits for */
    pthread_mutex_unlock(&f->qmu);
    return YT_OK;
}

/* One sale's part of a group. */
typedef struct {
    sale *s;
    int64_t asked;    /* units the group's orders ask once past their buyers' limits */
    int64_t held;     /* the lease's units in the store when the group began */
    bool had_lease;   /* the store has a lease row of this instance's for the sale */
    int64_t granted;  /* units the group leased from the sale */
    int64_t admitted; /* units the group writes */
    int64_t reserved; /* units the group's orders had reserved from the lease in memory */
    bool short_of_stock; /* the sale had fewer units to lease than the group needed */
    int64_t ends_at;     /* the sale's end as the store has it (a stop on another instance brings it forward) */
} group_share;

/* The group's orders by sale and buyer (and arrival within them): the order in which buyers' rows are locked,
 * the same in every instance, so two instances' groups never wait on each other in a circle. */
typedef struct {
    int64_t sale, customer;
    size_t i;
} buyer_key;

static int cmp_buyer_key(const void *a, const void *b) {
    const buyer_key *x = a, *y = b;
    if (x->sale != y->sale) return (x->sale > y->sale) - (x->sale < y->sale);
    if (x->customer != y->customer) return (x->customer > y->customer) - (x->customer < y->customer);
    return (x->i > y->i) - (x->i < y->i);
}

/* Leases for one sale's part of a group: reads this instance's lease (locking its row), and when the group
 * needs more than the lease has, or would leave it low, takes units from the sale's pool (stock - taken)
 * under the sale's row lock. Near the end of the stock an instance takes at most a quarter of what is left
 * beyond its need, so the last units are not all parked with one instance. */
static bool lease_for_group(flash_engine *f, yt_db *db, group_share *g, int64_t now) {
    yt_param p[] = {PI(now), PI(g->s->id), PT(f->cfg.instance)};
    yt_rows *r = db_query(db, "UPDATE flash_leases SET renewed_at = ? WHERE sale_id = ? AND instance = ? RETURNING held", 3, p);
    if (!r) return false;
    g->had_lease = rows_next(r);
    g->held = g->had_lease ? rows_int(r, 0) : 0;
    rows_free(r);
    int64_t need = g->asked > g->held ? g->asked - g->held : 0, left = g->held > g->asked ? g->held - g->asked : 0;
    pthread_mutex_lock(&g->s->mu);
    bool exhausted = g->s->exhausted_at && now - g->s->exhausted_at < EXHAUSTED_MS;
    pthread_mutex_unlock(&g->s->mu);
    if (!need && (left >= LEASE_LOW || exhausted || now >= g->s->ends_at)) return true;
    yt_param q[] = {PI(now), PI(g->s->id)};
    int64_t pool = db_query_int(db, "UPDATE flash_sales SET updated_at = ? WHERE id = ? RETURNING stock - taken", 2, q, -1);
    if (pool < 0) return false;
    int64_t spare = pool > need ? pool - need : 0, top = LEASE_BLOCK - left;
    if (top > (spare + 3) / 4) top = (spare + 3) / 4;
    g->granted = need + top < pool ? need + top : pool;
    g->short_of_stock = pool < need;
    if (!g->granted) return true;
    yt_param u[] = {PI(g->granted), PI(g->s->id)};
    return db_exec(db, "UPDATE flash_sales SET taken = taken + ? WHERE id = ?", 2, u) == 1;
}

/* One order of a group: its sale's part and its buyer in the group, and what the store made of it. */
typedef struct {
    pending_order *o;
    size_t share, buyer;
    const char *refusal; /* NULL: written */
    int64_t id;
} group_order;

/* One buyer of a group (a sale and a customer). */
typedef struct {
    sale *s;
    int64_t customer;
    int64_t asked;  /* units of the buyer's orders in the group */
    int64_t stored; /* units the buyer's row has once they are added */
    int64_t qty;    /* units the buyer had before the group, then with each order the group writes */
} group_buyer;

/* A buyer_key against a group's buyer (the group's buyers are in the keys' order). */
static int cmp_key_buyer(const void *a, const void *b) {
    const buyer_key *x = a;
    const group_buyer *y = b;
    if (x->sale != y->s->id) return (x->sale > y->s->id) - (x->sale < y->s->id);
    return (x->customer > y->customer) - (x->customer < y->customer);
}

/* Statements over many rows: a group's rows go in chunks of 1, 2, 4 ... 64 rows, the largest that fits
 * first, so a few texts (each prepared once on a connection) serve any group. */
#define CHUNK_LOG 6 /* BY_ROWS's largest: 64 rows */
#define CHUNK_MAX (1 << CHUNK_LOG)
#define ROWS_2(r) r ", " r
#define ROWS_4(r) ROWS_2(r) ", " ROWS_2(r)
#define ROWS_8(r) ROWS_4(r) ", " ROWS_4(r)
#define ROWS_16(r) ROWS_8(r) ", " ROWS_8(r)
#define ROWS_32(r) ROWS_16(r) ", " ROWS_16(r)
#define ROWS_64(r) ROWS_32(r) ", " ROWS_32(r)
#define BY_ROWS(head, row, tail)                                                                                  \
    {head row tail,           head ROWS_2(row) tail,  head ROWS_4(row) tail, head ROWS_8(row) tail,             \
     head ROWS_16(row) tail,  head ROWS_32(row) tail, head ROWS_64(row) tail}
#define BUYERS_UPSERT "INSERT INTO flash_buyers(sale_id, customer_id, quantity) VALUES "
#define ORDER_COLS 10 /* parameters of the widest row (insert_orders') */

/* Adds units to buyers' rows (made when new, locked till the transaction ends), and reads what they then have. */
static const char *const add_buyers[CHUNK_LOG + 1] =
    BY_ROWS(BUYERS_UPSERT, "(?, ?, ?)",
            " ON CONFLICT(sale_id, customer_id) DO UPDATE SET quantity = flash_buyers.quantity + excluded.quantity"
            " RETURNING sale_id, customer_id, quantity");
/* Sets buyers' units (their rows are locked). */
static const char *const set_buyers[CHUNK_LOG + 1] =
    BY_ROWS(BUYERS_UPSERT, "(?, ?, ?)", " ON CONFLICT(sale_id, customer_id) DO UPDATE SET quantity = excluded.quantity");
/* A group's orders go to the journal (flash_journal.h), except its newest, which goes straight to mall_orders:
 * so mall_orders' highest id is never below a journal row's, and on SQLite an order written elsewhere (its id
 * the highest rowid + 1) never takes an id the journal holds. */
static const char *const journal_orders[CHUNK_LOG + 1] =
    BY_ROWS("INSERT INTO flash_journal(id, customer_id, activity_id, sku_id, quantity, unit_price, total, created_at, pay_by,"
            " staff_id) VALUES ", "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "");
static const char *const insert_orders[CHUNK_LOG + 1] =
    BY_ROWS("INSERT INTO mall_orders(id, customer_id, kind, activity_id, sku_id, quantity, unit_price, total, status,"
            " created_at, pay_by, staff_id) VALUES ",
            "(?, ?, 'flash', ?, ?, ?, ?, ?, 'pending', ?, ?, ?)", "");
/* The ids of n new orders, ascending: on PostgreSQL the sequence's; on SQLite the first, the others following
 * it (the transaction holds SQLite's one writer's lock, so these are the rowids SQLite would give them; the
 * journal's rows are all below mall_orders' highest id). */
static const struct {
    const char *sql;
    bool first_only; /* the statement gives the first id (and takes no n) */
} next_order_ids[] = {
    [YT_SQLITE] = {"SELECT COALESCE(MAX(id), 0) + 1 FROM mall_orders", true},
    [YT_PG] = {"SELECT nextval('mall_orders_id_seq') AS id FROM generate_series(1, CAST(? AS BIGINT)) ORDER BY id", false},
};

/* The size class (log2 of its rows) of the next chunk when left rows remain. */
static int chunk_log(size_t left) {
    int lg = 0;
    while (lg < CHUNK_LOG && (size_t)2 << lg <= left) lg++;
    return lg;
}

/* Runs one of BY_ROWS's statements over rows [0, n) in chunks, each row's cols parameters from fill; got, when
 * given, reads the rows a chunk's statement returns (m rows from at) and says how many it saw. False on a store
 * error, or when a chunk did not write (or return) each of its rows once. */
static bool each_chunk(yt_db *db, const char *const sql[], int cols, size_t n, void *ctx,
                       void (*fill)(void *ctx, size_t row, yt_param *p), size_t (*got)(void *ctx, yt_rows *r, size_t at, size_t m)) {
    yt_param p[CHUNK_MAX * ORDER_COLS];
    for (size_t at = 0, m; at < n; at += m) {
        int lg = chunk_log(n - at), np = cols << lg;
        m = (size_t)1 << lg;
        for (size_t k = 0; k < m; k++) fill(ctx, at + k, p + k * (size_t)cols);
        if (got) {
            yt_rows *r = db_query(db, sql[lg], np, p);
            size_t seen = r ? got(ctx, r, at, m) : 0;
            rows_free(r);
            if (seen != m) return false;
        } else if (db_exec(db, sql[lg], np, p) != (int64_t)m) {
            return false;
        }
    }
    return true;
}

static void buyer_asked_params(void *ctx, size_t k, yt_param *p) {
    const group_buyer *b = (const group_buyer *)ctx + k;
    p[0] = PI(b->s->id), p[1] = PI(b->customer), p[2] = PI(b->asked);
}

static void buyer_qty_params(void *ctx, size_t k, yt_param *p) {
    const group_buyer *b = (const group_buyer *)ctx + k;
    p[0] = PI(b->s->id), p[1] = PI(b->customer), p[2] = PI(b->qty);
}

/* The units add_buyers left, each to its buyer. */
static size_t buyers_added(void *ctx, yt_rows *r, size_t at, size_t m) {
    size_t seen = 0;
    while (rows_next(r)) {
        buyer_key key = {rows_int(r, 0), rows_int(r, 1), 0};
        group_buyer *b = bsearch(&key, (group_buyer *)ctx + at, m, sizeof *b, cmp_key_buyer);
        if (!b) return 0;
        b->stored = rows_int(r, 2);
        b->qty = b->stored - b->asked;
        seen++;
    }
    return seen;
}

static void order_params(void *ctx, size_t k, yt_param *p) {
    const group_order *g = ((group_order *const *)ctx)[k];
    const pending_order *o = g->o;
    const sale *s = o->s;
    yt_param row[ORDER_COLS] = {PI(g->id), PI(o->customer_id), PI(s->id), PI(s->sku_id), PI(o->quantity), PI(s->price),
                                PI(s->price * o->quantity), PI(o->at), PI(o->at + s->pay_window_ms),
                                o->staff_id ? PI(o->staff_id) : PNULL};
    memcpy(p, row, sizeof row);
}

/* Gives the group's n written orders (in the order they came) their ids. */
static bool order_ids(yt_db *db, group_order **w, size_t n) {
    if (!n) return true;
    yt_param p[] = {PI(n)};
    bool first_only = next_order_ids[db_dialect(db)].first_only;
    yt_rows *r = db_query(db, next_order_ids[db_dialect(db)].sql, first_only ? 0 : 1, p);
    size_t got = 0;
    while (r && got < n && rows_next(r)) w[got++]->id = rows_int(r, 0);
    rows_free(r);
    for (; first_only && got && got < n; got++) w[got]->id = w[got - 1]->id + 1;
    return got == n;
}

/* The distinct ids of the group's orders, ascending, with what customers_live says of each. */
typedef struct {
    int64_t *ids, *owner;
    bool *live;
    size_t n;
} customer_set;

/* The customers of the group's orders (of those picked marks, when given). */
static void customer_set_of(customer_set *c, group_order *ord, size_t n, const bool *picked) {
    *c = (customer_set){yt_calloc(n, sizeof *c->ids), yt_calloc(n, sizeof *c->owner), yt_calloc(n, sizeof *c->live), 0};
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!picked || picked[i]) c->ids[m++] = ord[i].o->customer_id;
    c->n = ids_sort_unique(c->ids, m);
}

/* Marks the live ones (and their owners); false on a store error. */
static bool customer_set_read(yt_db *db, customer_set *c, bool lock) {
    yt_rows *r = customers_live(db, c->ids, c->n, lock);
    if (!r) return false;
    while (rows_next(r)) {
        int64_t id = rows_int(r, 0);
        const int64_t *at = ids_find(c->ids, c->n, id);
        if (at) c->live[at - c->ids] = true, c->owner[at - c->ids] = rows_null(r, 1) ? 0 : rows_int(r, 1);
    }
    rows_free(r);
    return true;
}

static size_t customer_set_at(const customer_set *c, int64_t id) {
    return (size_t)(ids_find(c->ids, c->n, id) - c->ids);
}

static void customer_set_free(customer_set *c) {
    free(c->ids);
    free(c->owner);
    free(c->live);
}

static void refuse_for_customer(group_order *g, const yt_err *err) {
    g->refusal = "customer";
    g->o->out.err = *err;
}

/* Moves an order from the id it was given to the live customer a merge left: its units in memory go with it,
 * and the merged id's count is dropped whole (what it held is the survivor's in the store now; left, it would
 * refuse later orders through the old id on a count nothing lowers). */
static void buyer_rekey(pending_order *o, int64_t live) {
    sale *s = o->s;
    pthread_mutex_lock(&s->mu);
    buyer_take_locked(s, o->customer_id, INT64_MAX);
    *buyer_slot(&s->buyers, live) += o->quantity;
    pthread_mutex_unlock(&s->mu);
    o->customer_id = live;
}

/* First, each order's customer, in the group's transaction: a live customer the orderer may act for stays; one a
 * merge left goes to the live record (customer_resolve_for_write, as everywhere else); no such customer for the
 * orderer, an erased one, or a member's order for anyone but themselves is refused ("customer", with the
 * error in the order's outcome). One statement reads (on PostgreSQL: and locks) the group's distinct
 * customers; the rest is rare. On PostgreSQL the survivors merged ids led to are locked and read again in one
 * more statement, and one merged or erased in between is refused as a conflict to try again (SQLite's one
 * writer sees nothing change). False on a store error. */
static bool check_customers(yt_db *db, group_order *ord, size_t n) {
    bool lock = db_dialect(db) == YT_PG, moved = false;
    customer_set asked;
    customer_set_of(&asked, ord, n, NULL);
    bool ok = customer_set_read(db, &asked, lock);
    bool *rekeyed = yt_calloc(n, sizeof *rekeyed);
    for (size_t i = 0; ok && i < n; i++) {
        pending_order *o = ord[i].o;
        size_t k = customer_set_at(&asked, o->customer_id);
        if (asked.live[k] && (!o->own_customers_only || asked.owner[k] == o->staff_id) && (!o->member_id || o->customer_id == o->member_id))
            continue;
        yt_actor who = {.staff_id = o->staff_id, .own_customers_only = o->own_customers_only, .member_id = o->member_id};
        yt_ctx x = {.db = db, .who = &who};
        int64_t to = 0;
        int rc = customer_resolve_for_write(&x, o->customer_id, &to);
        if (rc == YT_EINTERNAL) {
            ok = false;
        } else if (rc || (o->member_id && to != o->member_id)) {
            if (!rc) yt_fail(&x, YT_EFORBIDDEN, "customer_id", "a member acts for themselves only");
            refuse_for_customer(&ord[i], &x.err);
        } else if (to != o->customer_id) {
            buyer_rekey(o, to);
            rekeyed[i] = moved = true;
        }
    }
    if (ok && lock && moved) { /* the survivors, locked and read again */
        customer_set survivors;
        customer_set_of(&survivors, ord, n, rekeyed);
        ok = customer_set_read(db, &survivors, true);
        for (size_t i = 0; ok && i < n; i++) {
            if (!rekeyed[i] || survivors.live[customer_set_at(&survivors, ord[i].o->customer_id)]) continue;
            yt_ctx x = {.db = db};
            yt_fail(&x, YT_ECONFLICT, NULL, "customer %lld was merged or erased just now; try again", (long long)ord[i].o->customer_id);
            refuse_for_customer(&ord[i], &x.err);
        }
        customer_set_free(&survivors);
    }
    free(rekeyed);
    customer_set_free(&asked);
    return ok;
}

/* Answers a list of orders and frees them; an order the store took that is not known to be durable is an error. */
static void answer(pending_order *o, bool durable) {
    while (o) {
        pending_order *next = o->next;
        if (!durable && o->out.rc == YT_OK) o->out.rc = YT_EINTERNAL, o->out.refusal = "not-durable";
        o->done(o->arg, &o->out);
        free(o);
        o = next;
    }
}

static void group_durable(void *arg, bool durable) {
    written_group *g = arg;
    answer(g->orders, durable);
    atomic_store(&g->f->answered_at, now_ms());
    atomic_fetch_sub(&g->f->unanswered, 1);
    free(g);
}

/* How long no order has been going through the committer: since the last group was written or, when later,
 * answered; 0 while a group waits for its sync. A sync that stalls for longer than file_idle_ms is not a quiet
 * moment: its buyers order again as soon as they have their answers. Taken for one, it had the committer file a
 * chunk of the journal in the middle of a sale, and every order that came meanwhile waited for it too. */
static int64_t quiet_ms(flash_engine *f) {
    if (atomic_load(&f->unanswered)) return 0;
    int64_t last = atomic_load(&f->answered_at);
    return now_ms() - (f->last_group > last ? f->last_group : last);
}

/* Writes a group of orders in one transaction, then has the store answer each once a sync (one for every
 * commit made meanwhile) has made it durable. In the store, each buyer's
 * units in a sale (flash_buyers) never pass the limit, whichever instance sold them, and the orders of a
 * sale never take more than this instance's lease, topped up from the sale's pool as the group needs; what
 * the lease cannot cover is refused as sold out, in the order the orders came; an order whose customer is
 * not one to order for is refused (check_customers). The group's rows are written a chunk of them a statement. On a store error nothing is written and each order is answered with the error. */
static void commit_group(flash_engine *f, pending_order *group, size_t n) {
    yt_db *db = store_writer_acquire(f->store);
    group_order *ord = yt_calloc(n, sizeof *ord), **written = yt_calloc(n, sizeof *written);
    buyer_key *keys = yt_calloc(n, sizeof *keys);
    group_buyer *buyers = yt_calloc(n, sizeof *buyers);
    group_share *share = yt_calloc(n, sizeof *share);
    size_t nshare = 0, nbuyers = 0, nwritten = 0, i = 0;
    for (pending_order *o = group; o; o = o->next, i++) {
        size_t k = 0;
        while (k < nshare && share[k].s != o->s) k++;
        if (k == nshare) share[nshare++].s = o->s;
        ord[i] = (group_order){.o = o, .share = k};
        if (o->leased) share[k].reserved += o->quantity;
    }
    bool ok = db && db_begin(db) == 0 && check_customers(db, ord, n);
    for (i = 0; i < n; i++) keys[i] = (buyer_key){ord[i].o->s->id, ord[i].o->customer_id, i};
    qsort(keys, n, sizeof *keys, cmp_buyer_key);
    /* 0. each sale's end as the store has it: an order reserved after a stop that this instance had not seen
     * is over (and the stop is seen here from now on) */
    for (size_t k = 0; ok && k < nshare; k++) {
        yt_param q[] = {PI(share[k].s->id)};
        share[k].ends_at = db_query_int(db, "SELECT ends_at FROM flash_sales WHERE id = ?", 1, q, INT64_MIN);
        ok = share[k].ends_at != INT64_MIN;
        if (ok && share[k].ends_at < share[k].s->ends_at) share[k].s->ends_at = share[k].ends_at;
    }
    for (size_t j = 0; ok && j < n; j++) { /* the buyers in the keys' order; an order over the limit alone is refused */
        group_order *g = &ord[keys[j].i];
        if (g->refusal) continue; /* its customer's */
        if (g->o->at >= share[g->share].ends_at) {
            g->refusal = "over";
            continue;
        }
        if (g->o->quantity > g->o->s->limit) {
            g->refusal = "limit-reached";
            continue;
        }
        if (!nbuyers || buyers[nbuyers - 1].s != g->o->s || buyers[nbuyers - 1].customer != g->o->customer_id)
            buyers[nbuyers++] = (group_buyer){.s = g->o->s, .customer = g->o->customer_id};
        g->buyer = nbuyers - 1;
        buyers[g->buyer].asked += g->o->quantity;
    }
    int64_t now = now_ms();
    /* 1. each buyer's units, by sale and buyer: the units of all their orders are added, which locks their rows
     * (no other transaction sees the sum; step 4 sets it right), and each order fits within the limit with the
     * units before it, or is refused */
    ok = ok && each_chunk(db, add_buyers, 3, nbuyers, buyers, buyer_asked_params, buyers_added);
    for (size_t j = 0; ok && j < n; j++) {
        group_order *g = &ord[keys[j].i];
        if (g->refusal) continue;
        group_buyer *b = &buyers[g->buyer];
        if (b->qty + g->o->quantity > g->o->s->limit) g->refusal = "limit-reached";
        else b->qty += g->o->quantity, share[g->share].asked += g->o->quantity;
    }
    /* 2. the leases */
    for (size_t k = 0; ok && k < nshare; k++) ok = lease_for_group(f, db, &share[k], now);
    /* 3. the orders, in the order they came, as far as each lease goes (the rest leave their buyers' units) */
    for (i = 0; ok && i < n; i++) {
        group_order *g = &ord[i];
        group_share *sh = &share[g->share];
        if (g->refusal) continue;
        if (g->o->quantity > sh->held + sh->granted - sh->admitted) {
            g->refusal = "sold-out";
            buyers[g->buyer].qty -= g->o->quantity;
        } else {
            sh->admitted += g->o->quantity;
            written[nwritten++] = g;
        }
    }
    /* 4. the units of the buyers some of whose orders were refused, and the orders with their ids */
    size_t nchanged = 0;
    for (size_t k = 0; k < nbuyers; k++)
        if (buyers[k].qty != buyers[k].stored) buyers[nchanged++] = buyers[k];
    size_t njournal = nwritten ? nwritten - 1 : 0; /* all but the newest */
    ok = ok && each_chunk(db, set_buyers, 3, nchanged, buyers, buyer_qty_params, NULL) && order_ids(db, written, nwritten) &&
         each_chunk(db, journal_orders, ORDER_COLS, njournal, written, order_params, NULL) &&
         each_chunk(db, insert_orders, ORDER_COLS, nwritten - njournal, written + njournal, order_params, NULL);
    /* 5. what is left of each lease */
    for (size_t k = 0; ok && k < nshare; k++) {
        group_share *g = &share[k];
        int64_t held = g->held + g->granted - g->admitted;
        if (!g->had_lease && !held) continue;
        yt_param p[] = {PI(g->s->id), PT(f->cfg.instance), PI(held), PI(now)};
        ok = db_exec(db,
                     "INSERT INTO flash_leases(sale_id, instance, held, renewed_at) VALUES(?, ?, ?, ?)"
                     " ON CONFLICT(sale_id, instance) DO UPDATE SET held = excluded.held, renewed_at = excluded.renewed_at",
                     4, p) == 1;
    }
    if (ok) {
        char summary[64];
        snprintf(summary, sizeof summary, "{\"orders\":%zu}", n);
        yt_arena arena = {0};
        yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
        ok = audit_record(&x, "flash_order.create", "flash_sale", group->s->id, summary) == YT_OK && db_commit(db) == 0;
        arena_free(&arena);
    }
    if (!ok && db) {
        log_error("flash orders: %zu orders not written: %s", n, db_error(db));
        if (db->tx_depth) db_rollback(db);
    }
    if (db) store_writer_release(f->store);
    f->last_group = now_ms();
    for (i = 0; ok && i < njournal; i++) {
        int64_t due = written[i]->o->at + written[i]->o->s->pay_window_ms;
        if (!f->journal_rows || due < f->journal_due) f->journal_due = due;
        f->journal_rows = true;
    }
    /* the lease in memory follows the store's: what is left of it less what queued orders reserved since */
    for (size_t k = 0; k < nshare; k++) {
        group_share *g = &share[k];
        sale *s = g->s;
        pthread_mutex_lock(&s->mu);
        s->reserved -= g->reserved;
        if (ok) {
            int64_t held = g->held + g->granted - g->admitted;
            s->avail = held > s->reserved ? held - s->reserved : 0;
            s->exhausted_at = g->short_of_stock ? now : g->granted ? 0 : s->exhausted_at;
        } else {
            s->avail += g->reserved;
        }
        pthread_mutex_unlock(&s->mu);
    }
    for (i = 0; i < n; i++) {
        pending_order *o = ord[i].o;
        sale *s = o->s;
        const char *refusal = ord[i].refusal;
        bool stored = ok && !refusal, by_customer = ok && refusal && strcmp(refusal, "customer") == 0;
        yt_err err = by_customer ? o->out.err : (yt_err){0};
        o->out = (flash_outcome){.rc = !ok ? YT_EINTERNAL : by_customer ? err.code : refusal ? YT_ECONFLICT : YT_OK,
                                 .refusal = ok ? refusal : NULL, .err = err, .order_id = stored ? ord[i].id : 0,
                                 .customer_id = o->customer_id, .quantity = o->quantity, .total = s->price * o->quantity,
                                 .pay_by = o->at + s->pay_window_ms};
        if (!stored) buyer_give_back(s, o->customer_id, o->quantity);
    }
    /* answered once the group is durable (by the store's sync thread), while this thread writes the next */
    written_group *wg = yt_malloc(sizeof *wg);
    *wg = (written_group){f, group};
    atomic_fetch_add(&f->unanswered, 1);
    store_when_durable(f->store, ok && nwritten ? store_pending(f->store) : 0, group_durable, wg);
    free(share);
    free(buyers);
    free(keys);
    free(written);
    free(ord);
}

typedef struct {
    int64_t sale, customer, qty;
} unit_move;

static int cmp_unit_move(const void *a, const void *b) {
    const unit_move *x = a, *y = b;
    if (x->sale != y->sale) return (x->sale > y->sale) - (x->sale < y->sale);
    return (x->customer > y->customer) - (x->customer < y->customer);
}

/* Gives units back to their sales' pools (rows sorted by sale: the lock order of commit groups). */
static bool pool_return(yt_db *db, unit_move *m, size_t n, int64_t now) {
    if (n) qsort(m, n, sizeof *m, cmp_unit_move);
    for (size_t i = 0; i < n; i++) {
        yt_param q[] = {PI(m[i].qty), PI(now), PI(m[i].sale)};
        if (db_exec(db, "UPDATE flash_sales SET taken = taken - ?, updated_at = ? WHERE id = ?", 3, q) < 0) return false;
    }
    return true;
}

/* Closes the orders whose payment window has passed: their units go back to the sale's pool and leave their
 * buyers' counts, in one transaction. Every instance's sweep may run; the status change decides which one
 * closes an order, once. */
static void sweep_unpaid(flash_engine *f, int64_t now) {
    yt_db *db = store_writer_acquire(f->store);
    if (!db) return;
    yt_param p[] = {PI(now), PI(now)};
    yt_rows *r = db_begin(db) == 0 ? db_query(db,
                                              "UPDATE mall_orders SET status = 'released', closed_at = ? WHERE kind = 'flash'"
                                              " AND status = 'pending' AND pay_by <= ? RETURNING activity_id, customer_id, quantity",
                                              2, p)
                                   : NULL;
    if (!r) {
        log_error("flash orders: cannot close unpaid orders: %s", db_error(db));
        if (db->tx_depth) db_rollback(db);
        store_writer_release(f->store);
        return;
    }
    unit_move *closed = NULL;
    size_t n = 0, cap = 0;
    while (rows_next(r)) {
        if (n == cap) closed = yt_realloc(closed, (cap = cap ? cap * 2 : 64) * sizeof *closed);
        closed[n++] = (unit_move){rows_int(r, 0), rows_int(r, 1), rows_int(r, 2)};
    }
    rows_free(r);
    if (n) qsort(closed, n, sizeof *closed, cmp_unit_move); /* buyers' rows first, in the commit groups' order */
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        yt_param q[] = {PI(closed[i].qty), PI(closed[i].sale), PI(closed[i].customer)};
        ok = db_exec(db, "UPDATE flash_buyers SET quantity = quantity - ? WHERE sale_id = ? AND customer_id = ?", 3, q) >= 0;
    }
    ok = ok && pool_return(db, closed, n, now) && db_commit(db) == 0;
    if (!ok) {
        log_error("flash orders: cannot close unpaid orders: %s", db_error(db));
        if (db->tx_depth) db_rollback(db);
    }
    store_writer_release(f->store);
    for (size_t i = 0; ok && i < n; i++) {
        sale *s = find_sale(f, closed[i].sale);
        if (!s) continue;
        buyer_give_back(s, closed[i].customer, closed[i].qty);
        pthread_mutex_lock(&s->mu);
        s->exhausted_at = 0; /* units went back to the pool */
        pthread_mutex_unlock(&s->mu);
    }
    free(closed);
}

/* The leases, in one transaction: this instance's are renewed; those of instances not heard from for the
 * lease time (stopped by kill -9, or cut off) go back to their sales; and this instance gives back the unreserved
 * part of its lease on a sale that is over or that has had no order for the idle time, so other instances
 * can sell the units. */
static void sweep_leases(flash_engine *f, bool lost_ones, int64_t now) {
    typedef struct { sale *s; int64_t units; } giving;
    giving *give = NULL;
    size_t ngive = 0;
    bool own = false; /* units on this instance's lease: its rows are renewed */
    pthread_rwlock_rdlock(&f->lock);
    give = yt_calloc(f->nsales ? f->nsales : 1, sizeof *give);
    for (size_t i = 0; i < f->nsales; i++) {
        sale *s = f->sales[i];
        pthread_mutex_lock(&s->mu);
        own = own || s->avail > 0 || s->reserved > 0;
        if (s->avail > 0 && (now >= s->ends_at || now - s->last_order >= f->cfg.lease_idle_ms)) {
            give[ngive++] = (giving){s, s->avail};
            s->avail = 0;
        }
        pthread_mutex_unlock(&s->mu);
    }
    pthread_rwlock_unlock(&f->lock);
    yt_db *db = own || lost_ones ? store_writer_acquire(f->store) : NULL; /* ngive > 0 implies own */
    if (!db) {
        for (size_t i = 0; i < ngive; i++) { /* still ours */
            pthread_mutex_lock(&give[i].s->mu);
            give[i].s->avail += give[i].units;
            pthread_mutex_unlock(&give[i].s->mu);
        }
        free(give);
        return;
    }
    yt_param renew[] = {PI(now), PT(f->cfg.instance)};
    yt_param lost[] = {PI(now - f->cfg.lease_ttl_ms), PT(f->cfg.instance)};
    bool ok = db_begin(db) == 0 && db_exec(db, "UPDATE flash_leases SET renewed_at = ? WHERE instance = ?", 2, renew) >= 0;
    unit_move *back = yt_calloc(ngive + 1, sizeof *back);
    size_t nback = 0, cap = ngive + 1;
    yt_rows *r = ok ? db_query(db, "DELETE FROM flash_leases WHERE renewed_at < ? AND instance <> ? RETURNING sale_id, held, instance", 2, lost)
                    : NULL;
    ok = r != NULL;
    while (ok && rows_next(r)) {
        if (nback == cap) back = yt_realloc(back, (cap *= 2) * sizeof *back);
        back[nback++] = (unit_move){rows_int(r, 0), 0, rows_int(r, 1)};
        log_info("flash sales: sale %lld: %lld units leased by %s, not heard from, go back to the sale",
                 (long long)rows_int(r, 0), (long long)rows_int(r, 1), rows_text(r, 2));
    }
    rows_free(r);
    for (size_t i = 0; ok && i < ngive; i++) {
        yt_param p[] = {PI(give[i].units), PI(now), PI(give[i].s->id), PT(f->cfg.instance), PI(give[i].units)};
        ok = db_exec(db, "UPDATE flash_leases SET held = held - ?, renewed_at = ? WHERE sale_id = ? AND instance = ? AND held >= ?",
                     5, p) == 1;
        if (nback == cap) back = yt_realloc(back, (cap *= 2) * sizeof *back);
        back[nback++] = (unit_move){give[i].s->id, 0, give[i].units};
    }
    ok = ok && pool_return(db, back, nback, now) && db_commit(db) == 0;
    if (!ok) {
        log_error("flash sales: cannot renew or give back leases: %s", db_error(db));
        if (db->tx_depth) db_rollback(db);
        for (size_t i = 0; i < ngive; i++) { /* still ours */
            pthread_mutex_lock(&give[i].s->mu);
            give[i].s->avail += give[i].units;
            pthread_mutex_unlock(&give[i].s->mu);
        }
    }
    store_writer_release(f->store);
    free(back);
    free(give);
}

/* Gives back every unit this instance's name holds on lease (at stop, and at start for what a previous run
 * under the same name left when it was killed). */
static bool return_own_leases(flash_engine *f, yt_db *db) {
    yt_param p[] = {PT(f->cfg.instance)};
    int64_t now = now_ms();
    if (db_begin(db) != 0) return false;
    yt_rows *r = db_query(db, "DELETE FROM flash_leases WHERE instance = ? RETURNING sale_id, held", 1, p);
    bool ok = r != NULL;
    unit_move *back = NULL;
    size_t n = 0, cap = 0;
    while (ok && rows_next(r)) {
        if (n == cap) back = yt_realloc(back, (cap = cap ? cap * 2 : 16) * sizeof *back);
        back[n++] = (unit_move){rows_int(r, 0), 0, rows_int(r, 1)};
    }
    rows_free(r);
    ok = ok && pool_return(db, back, n, now) && db_commit(db) == 0;
    if (!ok) {
        log_error("flash sales: cannot give back the leases of %s: %s", f->cfg.instance, db_error(db));
        if (db->tx_depth) db_rollback(db);
    }
    free(back);
    return ok;
}

/* Sales over whose leases have all come back and whose orders are all paid or closed. */
#define SETTLE_DUE                                                                                                   \
    "SELECT id, sku_id, stock - taken FROM flash_sales f WHERE closed_at IS NULL AND ends_at <= ?"                     \
    " AND NOT EXISTS (SELECT 1 FROM flash_leases l WHERE l.sale_id = f.id AND l.held > 0)"                             \
    " AND NOT EXISTS (SELECT 1 FROM mall_orders o WHERE o.status = 'pending' AND o.kind = 'flash'"                    \
    " AND o.activity_id = f.id) AND NOT EXISTS (SELECT 1 FROM flash_journal j WHERE j.activity_id = f.id)"            \
    " ORDER BY id LIMIT 100"

/* Settles the sales that are due: what no order holds goes back to the SKU's stock (a recorded stock move)
 * and the sale is closed, each in its own transaction and once, whichever instance's beat gets there first. */
static void settle_ended(flash_engine *f, int64_t now) {
    yt_db *db = store_writer_acquire(f->store);
    if (!db) return;
    yt_param p[] = {PI(now)};
    yt_rows *r = db_query(db, SETTLE_DUE, 1, p);
    int64_t (*due)[3] = NULL;
    size_t n = 0, cap = 0;
    while (r && rows_next(r)) {
        if (n == cap) due = yt_realloc(due, (cap = cap ? cap * 2 : 8) * sizeof *due);
        due[n][0] = rows_int(r, 0), due[n][1] = rows_int(r, 1), due[n][2] = rows_int(r, 2);
        n++;
    }
    if (!r) log_error("flash sales: cannot look for sales to settle: %s", db_error(db));
    rows_free(r);
    for (size_t i = 0; i < n; i++) {
        int64_t id = due[i][0], sku = due[i][1], left = due[i][2];
        yt_arena arena = {0};
        yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
        char ref[48];
        snprintf(ref, sizeof ref, "flash_sale:%lld", (long long)id);
        yt_param q[] = {PI(left), PI(now), PI(now), PI(id), PI(left)};
        int rc = db_begin(db) == 0 ? YT_OK : YT_EINTERNAL;
        int64_t closed = rc == YT_OK ? db_exec(db, "UPDATE flash_sales SET taken = stock, returned = ?, closed_at = ?, updated_at = ?"
                                                   " WHERE id = ? AND closed_at IS NULL AND stock - taken = ?", 5, q)
                                     : -1;
        if (closed < 0) rc = YT_EINTERNAL;
        if (rc == YT_OK && closed == 1 && left > 0) rc = sku_stock_move(&x, sku, left, "flash_sale_end", ref, NULL);
        if (rc == YT_OK && db_commit(db) != 0) rc = YT_EINTERNAL;
        if (rc != YT_OK) {
            log_error("flash sales: cannot settle sale %lld: %s", (long long)id, x.err.msg[0] ? x.err.msg : db_error(db));
            if (db->tx_depth) db_rollback(db);
        }
        arena_free(&arena);
    }
    free(due);
    store_writer_release(f->store);
}

/* The beat's look for unpaid orders and leases to renew, reclaim or give back; the writer is taken only when
 * there is something (a read on this thread's own connection says so for the store's side), so an idle
 * instance writes nothing. */
static void sweep(flash_engine *f) {
    yt_db *rd = store_db(f->store);
    if (!rd) return;
    int64_t now = now_ms();
    /* journal rows whose payment window is over (this instance's), or that waited long (any instance's, one
     * killed say), are due: filed a step after each group from now on, till the journal is empty (the look
     * for unpaid orders below finds them once they are in) */
    yt_param old[] = {PI(now - FILE_AGE_MS)};
    if ((f->journal_rows && now >= f->journal_due) ||
        db_query_int(rd, "SELECT COUNT(*) FROM (SELECT 1 FROM flash_journal WHERE id = (SELECT MIN(id) FROM flash_journal)"
                         " AND created_at <= ?) d", 1, old, 0))
        f->file_due = true;
    yt_param due[] = {PI(now)};
    yt_param lost[] = {PI(now - f->cfg.lease_ttl_ms), PT(f->cfg.instance)};
    /* on a store error, look anyway */
    if (db_query_int(rd, "SELECT COUNT(*) FROM (SELECT 1 FROM mall_orders WHERE status = 'pending' AND kind = 'flash'"
                         " AND pay_by <= ? LIMIT 1) d", 1, due, 1))
        sweep_unpaid(f, now);
    sweep_leases(f, db_query_int(rd, "SELECT COUNT(*) FROM (SELECT 1 FROM flash_leases WHERE renewed_at < ? AND instance <> ?"
                                     " LIMIT 1) d", 2, lost, 1) != 0, now);
    if (db_query_int(rd, "SELECT COUNT(*) FROM (" SETTLE_DUE ") d", 1, due, 1)) settle_ended(f, now);
}

/* Files up to max of the journal's oldest rows into mall_orders (flash_journal.h); true when more may be left. */
static bool file_some(flash_engine *f, int64_t max) {
    yt_db *db = store_writer_acquire(f->store);
    int64_t n = db ? flash_journal_file(db, max) : -1;
    if (db) store_writer_release(f->store);
    if (n < 0) { /* logged; quiet filing tries again in a second, due filing at the next beat */
        f->last_group = now_ms() + 1000;
        f->file_due = false;
        return false;
    }
    if (n < max) f->journal_rows = f->file_due = false;
    return n == max;
}

/* The journal rows due for filing filed after a group of n orders: a quarter more than the group (so a
 * backlog shrinks while orders keep coming at the same pace), FILE_STEP when no group came. Filing while a
 * sale goes on at full speed is dear: each filed row goes to a page of its own in mall_orders' customer index.
 * With rows due after 30 s and 1,024 filed after every group, a sale at full speed fell from about 50,000
 * orders a second to 9,000 at its 30th second, its server-side p99 from 5 to 60 ms and more, till the journal
 * was empty; with this step, to 9,000-18,000 (bench/RESULTS.md). Hence FILE_AGE_MS of five minutes: what a
 * real sale sells at full speed is filed once it is quiet. */
static int64_t file_step(size_t n) {
    if (!n) return FILE_STEP;
    size_t step = n + n / 4 + 16;
    return step < FILE_STEP ? (int64_t)step : FILE_STEP;
}

/* Files the journal FILE_CHUNK rows a transaction while no order waits, until it is empty; then has the store
 * checkpoint what the filing left in its log. Left there (16,000 pages after a sale of 800,000 orders), the
 * next sale's first commit checkpointed it inline: a stall of 100-150 ms in its first second (bench/RESULTS.md). */
static void file_while_quiet(flash_engine *f) {
    for (;;) {
        pthread_mutex_lock(&f->qmu);
        bool waiting = f->head != NULL || f->stop;
        pthread_mutex_unlock(&f->qmu);
        if (waiting) return;
        if (!file_some(f, FILE_CHUNK)) {
            if (!f->journal_rows) store_checkpoint_soon(f->store);
            return;
        }
    }
}

/* Under load (the last group had gather_siblings orders or more, and was written FLASH_GATHER_RECENT_MS ago at
 * most), the next group gathers orders for gather_us, or until FLASH_GATHER_FULL are queued, before it is
 * written: its transaction, log pages, sync and the HTTP loops' wake-ups are then shared by more orders. The
 * server spends about a sixth less CPU an order at full load, so more orders go through and each waits less in
 * all (bench/RESULTS.md); an order after a quiet moment never waits. */
static void gather(flash_engine *f) {
    int64_t us = f->cfg.gather_us;
    if (!us || f->last_n < (size_t)f->cfg.gather_siblings || now_ms() - f->last_group > FLASH_GATHER_RECENT_MS) return;
    struct timespec until = time_deadline(CLOCK_MONOTONIC, us * 1000);
    while (f->queued < FLASH_GATHER_FULL && !f->stop && pthread_cond_timedwait(&f->qcv, &f->qmu, &until) == 0) {
    }
}

static void *committer(void *arg) {
    flash_engine *f = arg;
    pthread_setname_np(pthread_self(), "yt-flash");
    int64_t swept = 0;
    pthread_mutex_lock(&f->qmu);
    for (;;) {
        while (!f->head && !f->stop && !f->file_due) {
            /* quiet for file_idle_ms after a group that wrote to the journal: file it, between orders */
            int64_t wait_ms = 200, quiet = quiet_ms(f);
            if (f->journal_rows) {
                if (quiet >= f->cfg.file_idle_ms) break;
                if (f->cfg.file_idle_ms - quiet < wait_ms) wait_ms = f->cfg.file_idle_ms - quiet;
            }
            struct timespec ts = time_deadline(CLOCK_MONOTONIC, wait_ms * 1000000);
            pthread_cond_timedwait(&f->qcv, &f->qmu, &ts);
            if (!f->head && now_ms() - swept >= SWEEP_MS) break;
        }
        if (!f->head && f->stop) break;
        if (f->head) gather(f);
        pending_order *group = f->head;
        size_t n = 0;
        pending_order **at = &f->head;
        while (*at && n < GROUP_MAX) at = &(*at)->next, n++;
        f->head = *at;
        *at = NULL;
        if (!f->head) f->tail = &f->head;
        f->queued -= n;
        pthread_mutex_unlock(&f->qmu);
        f->last_n = n;
        if (n) {
            metrics_count_flash_group(n);
            commit_group(f, group, n);
        } else if (f->journal_rows && quiet_ms(f) >= f->cfg.file_idle_ms) file_while_quiet(f);
        if (f->file_due) file_some(f, file_step(n));
        if (now_ms() - swept >= SWEEP_MS) {
            sweep(f); /* the other modules' periodic work runs on the beat's thread (cli/beat.c), not here */
            swept = now_ms();
        }
        pthread_mutex_lock(&f->qmu);
    }
    pthread_mutex_unlock(&f->qmu);
    return NULL;
}

flash_engine *flash_start(yt_store *store, const flash_config *cfg) {
    flash_engine *f = yt_calloc(1, sizeof *f);
    f->store = store;
    f->cfg = *cfg;
    if (f->cfg.lease_ttl_ms <= 0) f->cfg.lease_ttl_ms = FLASH_LEASE_TTL_MS;
    if (f->cfg.lease_idle_ms <= 0) f->cfg.lease_idle_ms = FLASH_LEASE_IDLE_MS;
    if (f->cfg.file_idle_ms <= 0) f->cfg.file_idle_ms = FLASH_FILE_IDLE_MS;
    if (f->cfg.gather_us < 0) f->cfg.gather_us = 0;
    if (f->cfg.gather_siblings <= 0) f->cfg.gather_siblings = GATHER_SIBLINGS;
    f->tail = &f->head;
    pthread_rwlock_init(&f->lock, NULL);
    pthread_mutex_init(&f->load_mu, NULL);
    pthread_mutex_init(&f->qmu, NULL);
    time_cond_init(&f->qcv, CLOCK_MONOTONIC);
    yt_db *w = store_writer_acquire(store);
    /* what a stop (kill -9, say) left in the journal is filed first */
    bool returned = w && flash_journal_file(w, 0) >= 0 && return_own_leases(f, w);
    if (w) store_writer_release(store);
    yt_db *db = store_db(store);
    if (!returned || !db || load(f, db, 0) != 0) {
        log_error("flash sales: cannot load: %s", db ? db_error(db) : "no store");
        flash_stop(f);
        return NULL;
    }
    if (pthread_create(&f->committer, NULL, committer, f) != 0) {
        flash_stop(f);
        return NULL;
    }
    return f;
}

void flash_stop(flash_engine *f) {
    if (!f) return;
    if (f->committer) {
        pthread_mutex_lock(&f->qmu);
        f->stop = true;
        pthread_cond_signal(&f->qcv);
        pthread_mutex_unlock(&f->qmu);
        pthread_join(f->committer, NULL);
        while (atomic_load(&f->unanswered)) { /* the store's sync thread answers every group, durable or not */
            struct timespec ms = {0, 1000000};
            nanosleep(&ms, NULL);
        }
        yt_db *db = store_writer_acquire(f->store); /* nothing is queued any more: every leased unit goes back */
        if (db) {
            flash_journal_file(db, 0); /* and the journal is filed (else the next start does it) */
            return_own_leases(f, db);
            store_writer_release(f->store);
        }
    }
    for (size_t i = 0; i < f->nsales; i++) free_sale(f->sales[i]);
    free(f->sales);
    pthread_rwlock_destroy(&f->lock);
    pthread_mutex_destroy(&f->load_mu);
    pthread_mutex_destroy(&f->qmu);
    pthread_cond_destroy(&f->qcv);
    free(f);
}

/* ---- definitions ---- */

int flash_sale_create(flash_engine *f, yt_ctx *x, const flash_input *in, int64_t *id) {
    if (yt_check_text(x, "name", in->name ? in->name : "", 1, 100)) return x->err.code;
    if (in->price < 0 || in->price > CATALOG_PRICE_MAX)
        return yt_fail(x, YT_EINVAL, "price", "is fen from 0 to %lld", (long long)CATALOG_PRICE_MAX);
    if (in->stock < 1 || in->stock > CATALOG_STOCK_MAX)
        return yt_fail(x, YT_EINVAL, "stock", "is from 1 to %lld", (long long)CATALOG_STOCK_MAX);
    if (in->per_customer_limit < 1 || in->per_customer_limit > FLASH_QTY_MAX)
        return yt_fail(x, YT_EINVAL, "per_customer_limit", "is from 1 to %d", FLASH_QTY_MAX);
    if (in->ends_at <= in->starts_at) return yt_fail(x, YT_EINVAL, "ends_at", "must be after starts_at");
    if (in->ends_at - in->starts_at > 366LL * 86400000) return yt_fail(x, YT_EINVAL, "ends_at", "a flash sale lasts at most a year");
    if (in->ends_at <= now_ms()) return yt_fail(x, YT_EINVAL, "ends_at", "is already past");
    if (in->pay_window_ms < 1000 || in->pay_window_ms > 86400000)
        return yt_fail(x, YT_EINVAL, "pay_window_seconds", "is from 1 to 86400");
    int64_t price, stock;
    if (sku_get(x, in->sku_id, &price, &stock)) return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a flash sale");
    yt_param p[] = {PT(in->name), PI(in->sku_id), PI(in->price), PI(in->stock), PI(in->per_customer_limit), PI(in->starts_at),
                    PI(in->ends_at), PI(in->pay_window_ms), x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now), PI(now)};
    *id = db_query_int(x->db,
                       "INSERT INTO flash_sales(name, sku_id, price, stock, per_customer_limit, starts_at, ends_at, pay_window_ms,"
                       " created_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                       NPARAMS(p), p, 0);
    int rc = *id > 0 ? YT_OK : yt_fail_db(x, "creating a flash sale");
    char ref[48];
    snprintf(ref, sizeof ref, "flash_sale:%lld", (long long)*id);
    /* the activity's stock leaves the SKU's shelf stock when the sale is made */
    if (rc == YT_OK) rc = sku_stock_move(x, in->sku_id, -in->stock, "flash_sale", ref, NULL);
    if (rc == YT_OK) rc = audit_record(x, "flash_sale.create", "flash_sale", *id, NULL);
    if (rc == YT_ECONFLICT) snprintf(x->err.field, sizeof x->err.field, "stock");
    if ((rc = yt_finish(x, rc, "creating a flash sale")) != YT_OK) return rc;
    int64_t v[8] = {*id, in->sku_id, in->price, in->stock, in->per_customer_limit, in->starts_at, in->ends_at, in->pay_window_ms};
    pthread_mutex_lock(&f->load_mu); /* an order that raced the answer may have loaded it from the store already */
    if (!find_sale(f, *id)) add_sale(f, new_sale(v));
    pthread_mutex_unlock(&f->load_mu);
    return YT_OK;
}

typedef struct {
    flash_engine *f;
    int64_t id, at;
} stop_note;

/* After the stop's commit: this instance takes no order from now on (others see it at their next group). */
static void stop_in_memory(void *arg) {
    const stop_note *n = arg;
    sale *s = find_sale(n->f, n->id);
    if (s && n->at < s->ends_at) s->ends_at = n->at;
}

int flash_sale_stop(flash_engine *f, yt_ctx *x, int64_t id) {
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "stopping a flash sale");
    yt_param p[] = {PI(now), PI(now), PI(now), PI(id), PI(now)};
    int64_t n = db_exec(x->db, "UPDATE flash_sales SET stopped_at = ?, ends_at = ?, updated_at = ? WHERE id = ?"
                               " AND stopped_at IS NULL AND ends_at > ?", 5, p);
    int rc = n < 0 ? yt_fail_db(x, "stopping a flash sale") : YT_OK;
    yt_param q[] = {PI(id)};
    if (rc == YT_OK && n == 0 && db_query_int(x->db, "SELECT count(*) FROM flash_sales WHERE id = ?", 1, q, 0) == 0)
        rc = yt_fail(x, YT_ENOTFOUND, NULL, "no flash sale with id %lld", (long long)id);
    if (rc == YT_OK && n == 1) {
        rc = audit_record(x, "flash_sale.stop", "flash_sale", id, NULL);
        db_after_commit(x->db, stop_in_memory, &(stop_note){f, id, now}, sizeof(stop_note));
    }
    return yt_finish(x, rc, "stopping a flash sale");
}

/* A sale with its counts as the store has them, whichever instance took the orders: one statement for a
 * sale or a page of them, counting the orders still in the flash journal where they are (through its sale
 * index) in the same snapshot, not filing them: a dashboard read every few seconds during a sale would
 * otherwise file the sale's orders as they come. */
#define SALE_READ                                                                                                    \
    "SELECT f.id, f.sku_id, f.price, f.stock, f.per_customer_limit, f.starts_at, f.ends_at, f.pay_window_ms, f.name,"  \
    " f.stopped_at,"                                                                                                   \
    " COUNT(CASE WHEN o.status = 'pending' THEN 1 END),"                                                             \
    " COUNT(CASE WHEN o.status NOT IN ('pending', 'released') THEN 1 END),"                                          \
    " COUNT(CASE WHEN o.status = 'released' THEN 1 END),"                                                            \
    " COALESCE(SUM(CASE WHEN o.status = 'pending' THEN o.quantity END), 0),"                                         \
    " COALESCE(SUM(CASE WHEN o.status NOT IN ('pending', 'released') THEN o.quantity END), 0),"                      \
    " f.closed_at, f.returned,"                                                                                        \
    " (SELECT COUNT(*) FROM flash_journal j WHERE j.activity_id = f.id),"                                            \
    " (SELECT COALESCE(SUM(j.quantity), 0) FROM flash_journal j WHERE j.activity_id = f.id)"                         \
    " FROM flash_sales f LEFT JOIN mall_orders o ON o.activity_id = f.id AND o.kind = 'flash'"

/* A sale's members (its orders still in the flash journal, all pending, counted with the others). */
static void write_sale_members(yt_jw *w, yt_rows *r) {
    int64_t journal[2] = {rows_int(r, 17), rows_int(r, 18)}; /* orders, units */
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 8));
    jw_kint(w, "sku_id", rows_int(r, 1));
    jw_kint(w, "price", rows_int(r, 2));
    jw_kint(w, "stock", rows_int(r, 3));
    jw_kint(w, "per_customer_limit", rows_int(r, 4));
    jw_ktime(w, "starts_at", rows_int(r, 5));
    jw_ktime(w, "ends_at", rows_int(r, 6));
    jw_kint(w, "pay_window_seconds", rows_int(r, 7) / 1000);
    int64_t now = now_ms();
    bool stopped = !rows_null(r, 9);
    jw_kstr(w, "state", stopped ? "stopped" : now < rows_int(r, 5) ? "upcoming" : now < rows_int(r, 6) ? "running" : "over");
    if (stopped) jw_ktime(w, "stopped_at", rows_int(r, 9));
    else jw_knull(w, "stopped_at");
    jw_kint(w, "stock_left", rows_null(r, 15) ? rows_int(r, 3) - rows_int(r, 13) - rows_int(r, 14) - journal[1] : 0);
    jw_kint(w, "stock_returned", rows_int(r, 16));
    if (rows_null(r, 15)) jw_knull(w, "closed_at");
    else jw_ktime(w, "closed_at", rows_int(r, 15));
    jw_key(w, "orders");
    jw_obj(w);
    jw_kint(w, "pending", rows_int(r, 10) + journal[0]);
    jw_kint(w, "paid", rows_int(r, 11));
    jw_kint(w, "released", rows_int(r, 12));
    jw_kint(w, "quantity_pending", rows_int(r, 13) + journal[1]);
    jw_kint(w, "quantity_paid", rows_int(r, 14));
    jw_obj_end(w);
}

static void write_sale(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    write_sale_members(w, r);
    jw_obj_end(w);
}

int flash_sale_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, SALE_READ " WHERE f.id = ? GROUP BY f.id", 1, p);
    if (!r) return yt_fail_db(x, "reading a flash sale");
    bool found = rows_next(r);
    if (found) {
        jw_obj(w);
        write_sale_members(w, r);
    }
    rows_free(r);
    if (!found) return yt_fail(x, YT_ENOTFOUND, NULL, "no flash sale with id %lld", (long long)id);
    /* the units instances hold on lease (not sold: stock_left counts them) */
    if (!(r = db_query(x->db, "SELECT instance, held, renewed_at FROM flash_leases WHERE sale_id = ? AND held > 0 ORDER BY instance", 1, p)))
        return yt_fail_db(x, "reading a flash sale");
    jw_key(w, "leases");
    jw_arr(w);
    while (rows_next(r)) {
        jw_obj(w);
        jw_kstr(w, "instance", rows_text(r, 0));
        jw_kint(w, "held", rows_int(r, 1));
        jw_ktime(w, "renewed_at", rows_int(r, 2));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    rows_free(r);
    return YT_OK;
}

int flash_sale_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, SALE_READ " WHERE f.id < ? GROUP BY f.id ORDER BY f.id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing flash sales");
    page_write(w, r, limit, write_sale);
    rows_free(r);
    return YT_OK;
}

int flash_sale_stats_json(yt_ctx *x, yt_jw *w, int64_t id) {
    if (flash_journal_settle(x)) return x->err.code;
    yt_param p[] = {PI(id)};
    int64_t found = db_query_int(x->db, "SELECT count(*) FROM flash_sales WHERE id = ?", 1, p, -1);
    if (found < 0) return yt_fail_db(x, "reading a flash sale's figures");
    if (!found) return yt_fail(x, YT_ENOTFOUND, NULL, "no flash sale with id %lld", (long long)id);
    /* who ordered (any order, released ones too) and the orders that were paid */
    return activity_stats_json(x, w, "flash_sale", id, 0,
                               "SELECT COUNT(DISTINCT customer_id), COUNT(*),"
                               " COUNT(DISTINCT CASE WHEN paid_at IS NOT NULL THEN customer_id END), COUNT(paid_at),"
                               " COALESCE(SUM(CASE WHEN paid_at IS NOT NULL THEN total END), 0),"
                               " COALESCE(SUM(CASE WHEN paid_at IS NOT NULL THEN refunded END), 0)"
                               " FROM mall_orders WHERE kind = 'flash' AND activity_id = ?",
                               1, p);
}
