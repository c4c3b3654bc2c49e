/* Flash sales: the in-memory counters (stock left, each buyer's quantity), the committer thread that writes
 * reserved orders in groups, and the sweep that closes unpaid orders after their payment window. */
#include "flash.h"
#include "mall_order.h"
#include "../distribution/commission.h"
#include "../loyalty/levels.h"
#include "catalog.h"
#include "../base/alloc.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include "../groupbuy/groupbuy.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GROUP_MAX 2048   /* orders in one transaction at most */
#define SWEEP_MS 1000    /* unpaid orders are looked for this often */

/* Each buyer's quantity (pending and paid) in one sale: open addressing on the customer id. */
typedef struct {
    int64_t *key, *qty;
    size_t cap, n;
} buyer_map;

static int64_t *buyer_slot(buyer_map *m, int64_t customer) {
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        int64_t *key = yt_calloc(cap, sizeof *key), *qty = yt_calloc(cap, sizeof *qty);
        for (size_t i = 0; i < m->cap; i++)
            if (m->key[i]) {
                size_t j = (size_t)((uint64_t)m->key[i] * 0x9E3779B97F4A7C15ull >> 7) & (cap - 1);
                while (key[j]) j = (j + 1) & (cap - 1);
                key[j] = m->key[i];
                qty[j] = m->qty[i];
            }
        free(m->key);
        free(m->qty);
        m->key = key;
        m->qty = qty;
        m->cap = cap;
    }
    size_t j = (size_t)((uint64_t)customer * 0x9E3779B97F4A7C15ull >> 7) & (m->cap - 1);
    while (m->key[j] && m->key[j] != customer) j = (j + 1) & (m->cap - 1);
    if (!m->key[j]) {
        m->key[j] = customer;
        m->n++;
    }
    return &m->qty[j];
}

typedef struct {
    int64_t id, sku_id, price, stock, limit, starts_at, ends_at, pay_window_ms;
    pthread_mutex_t mu; /* the counters below */
    int64_t left;       /* stock not held by a pending or paid order */
    buyer_map buyers;
    /* this instance's view of its committed orders: pending ones (the sweep looks only when there are some) and
     * the units pending and paid (equal to the store's sold count while no other instance sells); the sale's
     * published counts are read from the store */
    int64_t pending, qty_pending, qty_paid;
} sale;

typedef struct pending_order {
    sale *s;
    int64_t customer_id, quantity, staff_id, at;
    flash_done_fn done;
    void *arg;
    struct pending_order *next;
} pending_order;

struct flash_engine {
    yt_store *store;
    pthread_rwlock_t lock; /* the sales list */
    pthread_mutex_t load_mu; /* one loader of a sale made elsewhere at a time */
    sale **sales;
    size_t nsales, cap;
    pthread_mutex_t qmu;
    pthread_cond_t qcv;
    pending_order *head, **tail;
    bool stop;
    pthread_t committer;
};

static sale *find_sale(flash_engine *f, int64_t id) {
    sale *s = NULL;
    pthread_rwlock_rdlock(&f->lock);
    for (size_t i = 0; i < f->nsales && !s; i++)
        if (f->sales[i]->id == id) s = f->sales[i];
    pthread_rwlock_unlock(&f->lock);
    return s;
}

/* A buyer's quantity, without adding them (readers must not grow the map). */
static int64_t buyer_get(const buyer_map *m, int64_t customer) {
    if (!m->cap) return 0;
    size_t j = (size_t)((uint64_t)customer * 0x9E3779B97F4A7C15ull >> 7) & (m->cap - 1);
    while (m->key[j] && m->key[j] != customer) j = (j + 1) & (m->cap - 1);
    return m->key[j] ? m->qty[j] : 0;
}

/* A sale from its row's values, not yet seen by other threads (the caller owns it until add_sale). */
static sale *new_sale(const int64_t *v) {
    sale *s = yt_calloc(1, sizeof *s);
    s->id = v[0], s->sku_id = v[1], s->price = v[2], s->stock = v[3], s->limit = v[4];
    s->starts_at = v[5], s->ends_at = v[6], s->pay_window_ms = v[7];
    s->left = s->stock;
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
    free(s->buyers.key);
    free(s->buyers.qty);
    free(s);
}

/* Every sale (id 0), or one, and what its pending and paid orders hold: built whole, then published, so no
 * thread sees a sale whose counters are still being filled. */
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
    r = db_query(db,
                 "SELECT activity_id, customer_id, status, count(*), sum(quantity) FROM mall_orders"
                 " WHERE kind = 'flash' AND (? = 0 OR activity_id = ?) GROUP BY activity_id, customer_id, status",
                 2, p);
    if (!r) {
        for (size_t i = 0; i < nsales; i++) free_sale(got[i]);
        free(got);
        return -1;
    }
    while (rows_next(r)) {
        sale key = {.id = rows_int(r, 0)}, *kp = &key, **at = bsearch(&kp, got, nsales, sizeof *got, cmp_sale_id);
        if (!at) continue;
        sale *s = *at;
        const char *status = rows_text(r, 2);
        int64_t n = rows_int(r, 3), qty = rows_int(r, 4);
        if (strcmp(status, "released") == 0) continue;
        bool paid = strcmp(status, "pending") != 0; /* paid, and whatever follows payment */
        s->left -= qty;
        *buyer_slot(&s->buyers, rows_int(r, 1)) += qty;
        if (paid) s->qty_paid += qty;
        else s->pending += n, s->qty_pending += qty;
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


/* Gives a reservation back (a failed write, or an order closed unpaid). */
static void give_back(sale *s, int64_t customer, int64_t qty) {
    pthread_mutex_lock(&s->mu);
    s->left += qty;
    *buyer_slot(&s->buyers, customer) -= qty;
    pthread_mutex_unlock(&s->mu);
}

int flash_order(flash_engine *f, int64_t sale_id, int64_t customer_id, int64_t quantity, int64_t staff_id,
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
        snprintf(err->msg, sizeof err->msg, "the flash sale %s", now < s->starts_at ? "has not started" : "is over");
        return err->code;
    }
    pthread_mutex_lock(&s->mu);
    int64_t *mine = buyer_slot(&s->buyers, customer_id);
    const char *refusal = s->left < quantity ? "sold-out" : *mine + quantity > s->limit ? "limit-reached" : NULL;
    if (!refusal) {
        s->left -= quantity;
        *mine += quantity;
    }
    int64_t left = s->left, had = *mine;
    pthread_mutex_unlock(&s->mu);
    if (refusal) {
        err->code = YT_ECONFLICT;
        snprintf(err->field, sizeof err->field, "%s", refusal);
        if (refusal[0] == 's') snprintf(err->msg, sizeof err->msg, "sold out: %lld left", (long long)left);
        else snprintf(err->msg, sizeof err->msg, "at most %lld per customer; this customer has %lld", (long long)s->limit, (long long)had);
        return err->code;
    }
    pending_order *o = yt_calloc(1, sizeof *o);
    *o = (pending_order){.s = s, .customer_id = customer_id, .quantity = quantity, .staff_id = staff_id, .at = now,
                         .done = done, .arg = arg};
    pthread_mutex_lock(&f->qmu);
    *f->tail = o;
    f->tail = &o->next;
    pthread_cond_signal(&f->qcv);
    pthread_mutex_unlock(&f->qmu);
    return YT_OK;
}

/* One sale's part of a group: what the store has for it, and what the group writes. */
typedef struct {
    sale *s;
    int64_t store_left; /* the store's units not yet sold, read under the sale row's lock */
    int64_t admitted;   /* units this group writes */
    int64_t *held;      /* each buyer's pending and paid quantity in the store, parallel to customers */
    int64_t *customers; /* the group's buyers of this sale, sorted */
    size_t ncustomers;
    bool alone;         /* no other instance has orders in the store: the reservation's limit check stands */
} group_share;

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Locks the sale's row and reads what the store has: the units left, and what each of the group's buyers
 * holds already, whichever instance sold it. Under the lock, groups of the same sale from several instances
 * are written one after another, so these figures are exact. */
static bool read_store_share(yt_db *db, group_share *g, int64_t now) {
    yt_param p[] = {PI(now), PI(g->s->id)};
    g->store_left = db_query_int(db, "UPDATE flash_sales SET updated_at = ? WHERE id = ? RETURNING stock - sold", 2, p, -1);
    if (g->store_left < 0) return false;
    /* when the store holds exactly the units this instance has committed, no other instance has sold any:
     * the limits this instance checked when it reserved are the whole truth, and the buyers need no reading */
    pthread_mutex_lock(&g->s->mu);
    int64_t committed = g->s->qty_pending + g->s->qty_paid;
    pthread_mutex_unlock(&g->s->mu);
    g->alone = g->s->stock - g->store_left == committed;
    if (g->alone) return true;
    qsort(g->customers, g->ncustomers, sizeof *g->customers, cmp_i64);
    size_t n = 0; /* distinct */
    for (size_t i = 0; i < g->ncustomers; i++)
        if (!n || g->customers[n - 1] != g->customers[i]) g->customers[n++] = g->customers[i];
    g->ncustomers = n;
    g->held = yt_calloc(n ? n : 1, sizeof *g->held);
    yt_dialect d = db_dialect(db);
    char *list = db_id_list(d, g->customers, n);
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT customer_id, SUM(quantity) FROM mall_orders WHERE activity_id = ? AND kind = 'flash'"
                              " AND status <> 'released' AND customer_id%s GROUP BY customer_id", db_in_ids(d));
    yt_param q[] = {PI(g->s->id), PT(list)};
    yt_rows *r = db_query(db, sql, 2, q);
    free(list);
    if (!r) return false;
    while (rows_next(r)) {
        int64_t c = rows_int(r, 0), *at = bsearch(&c, g->customers, n, sizeof c, cmp_i64);
        if (at) g->held[at - g->customers] = rows_int(r, 1);
    }
    rows_free(r);
    return true;
}

/* Writes a group of orders in one transaction (one fsync), then answers each. Each order is admitted against
 * the store, in the order it was reserved: refused as sold out when the store has fewer units left than it
 * asks (another instance sold them; this instance then stops selling the sale), or as over the limit when
 * the buyer's orders in the store (from any instance) and in this group would pass it. On a store error
 * every reservation of the group is given back and each order is answered with the error. */
static void commit_group(flash_engine *f, pending_order *group, size_t n) {
    yt_db *db = store_writer_acquire(f->store);
    int64_t *ids = yt_calloc(n, sizeof *ids);
    const char **refusal = yt_calloc(n, sizeof *refusal);
    group_share *share = yt_calloc(n, sizeof *share);
    size_t nshare = 0;
    for (pending_order *o = group; o; o = o->next) {
        size_t k = 0;
        while (k < nshare && share[k].s != o->s) k++;
        if (k == nshare) {
            share[nshare].s = o->s;
            share[nshare++].customers = yt_calloc(n, sizeof(int64_t));
        }
        share[k].customers[share[k].ncustomers++] = o->customer_id;
    }
    bool ok = db && db_begin(db) == 0;
    int64_t now = now_ms();
    for (size_t k = 0; ok && k < nshare; k++) ok = read_store_share(db, &share[k], now);
    size_t i = 0;
    for (pending_order *o = group; ok && o; o = o->next, i++) {
        sale *s = o->s;
        size_t k = 0;
        while (share[k].s != s) k++;
        group_share *g = &share[k];
        int64_t none = 0, *held = g->alone ? &none
                                            : &g->held[(int64_t *)bsearch(&o->customer_id, g->customers, g->ncustomers,
                                                                          sizeof(int64_t), cmp_i64) - g->customers];
        if (o->quantity > g->store_left - g->admitted) {
            refusal[i] = "sold-out";
            continue;
        }
        if (!g->alone && *held + o->quantity > s->limit) {
            refusal[i] = "limit-reached";
            continue;
        }
        yt_param p[] = {PI(o->customer_id), PI(s->id), PI(s->sku_id), PI(o->quantity), PI(s->price), PI(s->price * o->quantity),
                        PI(o->at), PI(o->at + s->pay_window_ms), o->staff_id ? PI(o->staff_id) : PNULL};
        ids[i] = db_query_int(db,
                              "INSERT INTO mall_orders(customer_id, kind, activity_id, sku_id, quantity, unit_price, total,"
                              " status, created_at, pay_by, staff_id) VALUES(?, 'flash', ?, ?, ?, ?, ?, 'pending', ?, ?, ?)"
                              " RETURNING id",
                              NPARAMS(p), p, 0);
        ok = ids[i] > 0;
        g->admitted += o->quantity;
        *held += o->quantity;
    }
    /* the store's count rises once per sale, by what was admitted; the CHECK (sold <= stock) guards it too */
    for (size_t k = 0; ok && k < nshare; k++) {
        yt_param p[] = {PI(share[k].admitted), PI(share[k].s->id)};
        if (share[k].admitted) ok = db_exec(db, "UPDATE flash_sales SET sold = sold + ? WHERE id = ?", 2, p) == 1;
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
    i = 0;
    for (pending_order *o = group, *next; o; o = next, i++) {
        next = o->next;
        sale *s = o->s;
        bool written = ok && !refusal[i];
        flash_outcome out = {.rc = !ok ? YT_EINTERNAL : refusal[i] ? YT_ECONFLICT : YT_OK, .refusal = ok ? refusal[i] : NULL,
                             .order_id = written ? ids[i] : 0, .customer_id = o->customer_id, .quantity = o->quantity,
                             .total = s->price * o->quantity, .pay_by = o->at + s->pay_window_ms};
        if (written) {
            pthread_mutex_lock(&s->mu);
            s->pending++;
            s->qty_pending += o->quantity;
            pthread_mutex_unlock(&s->mu);
        } else {
            give_back(s, o->customer_id, o->quantity);
            if (ok && strcmp(refusal[i], "sold-out") == 0) { /* sold by another instance: sell no more of it here */
                pthread_mutex_lock(&s->mu);
                s->left = 0;
                pthread_mutex_unlock(&s->mu);
            }
        }
        o->done(o->arg, &out);
        free(o);
    }
    for (size_t k = 0; k < nshare; k++) {
        free(share[k].customers);
        free(share[k].held);
    }
    free(share);
    free(refusal);
    free(ids);
}

/* Closes the orders whose payment window has passed and gives their stock back, with the store's sold
 * counts, in one transaction. Every instance's sweep may run; the status change decides which one closes an
 * order, once. */
static void sweep(flash_engine *f) {
    bool any = false; /* no pending order of ours: nothing to ask the store */
    pthread_rwlock_rdlock(&f->lock);
    for (size_t i = 0; i < f->nsales && !any; i++) {
        pthread_mutex_lock(&f->sales[i]->mu);
        any = f->sales[i]->pending > 0;
        pthread_mutex_unlock(&f->sales[i]->mu);
    }
    pthread_rwlock_unlock(&f->lock);
    if (!any) return;
    yt_db *db = store_writer_acquire(f->store);
    if (!db) return;
    int64_t now = now_ms();
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
    struct closed { int64_t sale, customer, qty; } *closed = NULL;
    size_t n = 0, cap = 0;
    while (rows_next(r)) {
        if (n == cap) closed = yt_realloc(closed, (cap = cap ? cap * 2 : 64) * sizeof *closed);
        closed[n++] = (struct closed){rows_int(r, 0), rows_int(r, 1), rows_int(r, 2)};
    }
    rows_free(r);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        yt_param q[] = {PI(closed[i].qty), PI(now), PI(closed[i].sale)};
        ok = db_exec(db, "UPDATE flash_sales SET sold = sold - ?, updated_at = ? WHERE id = ?", 3, q) >= 0;
    }
    ok = ok && db_commit(db) == 0;
    if (!ok) {
        log_error("flash orders: cannot close unpaid orders: %s", db_error(db));
        if (db->tx_depth) db_rollback(db);
    }
    store_writer_release(f->store);
    for (size_t i = 0; ok && i < n; i++) {
        sale *s = find_sale(f, closed[i].sale);
        if (!s) continue;
        give_back(s, closed[i].customer, closed[i].qty);
        pthread_mutex_lock(&s->mu);
        s->pending--;
        s->qty_pending -= closed[i].qty;
        pthread_mutex_unlock(&s->mu);
    }
    free(closed);
}

static void *committer(void *arg) {
    flash_engine *f = arg;
    int64_t swept = 0;
    pthread_mutex_lock(&f->qmu);
    for (;;) {
        while (!f->head && !f->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 200 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&f->qcv, &f->qmu, &ts);
            if (!f->head && now_ms() - swept >= SWEEP_MS) break;
        }
        if (!f->head && f->stop) break;
        pending_order *group = f->head;
        size_t n = 0;
        pending_order **at = &f->head;
        while (*at && n < GROUP_MAX) at = &(*at)->next, n++;
        f->head = *at;
        *at = NULL;
        if (!f->head) f->tail = &f->head;
        pthread_mutex_unlock(&f->qmu);
        if (n) commit_group(f, group, n);
        if (now_ms() - swept >= SWEEP_MS) {
            sweep(f);
            mall_order_sweep(f->store); /* the mall's normal orders past their window, on the same beat */
            groupbuy_sweep(f->store);   /* group-buy teams past their deadline, unpaid group orders, ended activities */
            distribution_sweep(f->store); /* commissions whose after-sales window has closed */
            birthday_coupons_due(f->store); /* at most hourly */
            swept = now_ms();
        }
        pthread_mutex_lock(&f->qmu);
    }
    pthread_mutex_unlock(&f->qmu);
    return NULL;
}

flash_engine *flash_start(yt_store *store) {
    flash_engine *f = yt_calloc(1, sizeof *f);
    f->store = store;
    f->tail = &f->head;
    pthread_rwlock_init(&f->lock, NULL);
    pthread_mutex_init(&f->load_mu, NULL);
    pthread_mutex_init(&f->qmu, NULL);
    pthread_cond_init(&f->qcv, NULL);
    yt_db *db = store_db(store);
    if (!db || load(f, db, 0) != 0) {
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
    }
    for (size_t i = 0; i < f->nsales; i++) free_sale(f->sales[i]);
    free(f->sales);
    pthread_rwlock_destroy(&f->lock);
    pthread_mutex_destroy(&f->load_mu);
    pthread_mutex_destroy(&f->qmu);
    pthread_cond_destroy(&f->qcv);
    free(f);
}

bool flash_sale_counts(flash_engine *f, int64_t sale_id, int64_t customer, int64_t *left, int64_t *mine) {
    sale *s = find_or_load(f, sale_id);
    if (!s) return false;
    pthread_mutex_lock(&s->mu);
    *left = s->left;
    *mine = customer ? buyer_get(&s->buyers, customer) : 0;
    pthread_mutex_unlock(&s->mu);
    return true;
}

void flash_order_paid(flash_engine *f, int64_t sale_id, int64_t quantity) {
    sale *s = find_sale(f, sale_id);
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->pending--;
    s->qty_pending -= quantity;
    s->qty_paid += quantity;
    pthread_mutex_unlock(&s->mu);
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

/* A sale with its counts as the store has them, whichever instance took the orders: one statement for a
 * sale or a page of them. */
#define SALE_READ                                                                                                    \
    "SELECT f.id, f.sku_id, f.price, f.stock, f.per_customer_limit, f.starts_at, f.ends_at, f.pay_window_ms, f.name,"  \
    " COUNT(CASE WHEN o.status = 'pending' THEN 1 END),"                                                             \
    " COUNT(CASE WHEN o.status NOT IN ('pending', 'released') THEN 1 END),"                                          \
    " COUNT(CASE WHEN o.status = 'released' THEN 1 END),"                                                            \
    " COALESCE(SUM(CASE WHEN o.status = 'pending' THEN o.quantity END), 0),"                                         \
    " COALESCE(SUM(CASE WHEN o.status NOT IN ('pending', 'released') THEN o.quantity END), 0)"                       \
    " FROM flash_sales f LEFT JOIN mall_orders o ON o.activity_id = f.id AND o.kind = 'flash'"

static void write_sale(yt_jw *w, yt_rows *r) {
    jw_obj(w);
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
    jw_kstr(w, "state", now < rows_int(r, 5) ? "upcoming" : now < rows_int(r, 6) ? "running" : "over");
    jw_kint(w, "stock_left", rows_int(r, 3) - rows_int(r, 12) - rows_int(r, 13));
    jw_key(w, "orders");
    jw_obj(w);
    jw_kint(w, "pending", rows_int(r, 9));
    jw_kint(w, "paid", rows_int(r, 10));
    jw_kint(w, "released", rows_int(r, 11));
    jw_kint(w, "quantity_pending", rows_int(r, 12));
    jw_kint(w, "quantity_paid", rows_int(r, 13));
    jw_obj_end(w);
    jw_obj_end(w);
}

int flash_sale_write_json(flash_engine *f, yt_ctx *x, yt_jw *w, int64_t id) {
    (void)f;
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, SALE_READ " WHERE f.id = ? GROUP BY f.id", 1, p);
    if (!r) return yt_fail_db(x, "reading a flash sale");
    bool found = rows_next(r);
    if (found) write_sale(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no flash sale with id %lld", (long long)id);
}

int flash_sale_list_json(flash_engine *f, yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    (void)f;
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, SALE_READ " WHERE f.id < ? GROUP BY f.id ORDER BY f.id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing flash sales");
    page_write(w, r, limit, write_sale);
    rows_free(r);
    return YT_OK;
}

int flash_sale_stats_json(yt_ctx *x, yt_jw *w, int64_t id) {
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
