/* Lotteries and red packets: the draw rule (slots laid end to end; a chi-square goodness-of-fit test of 100,000
 * CSPRNG draws against the configured weights), the red-packet split (sums, minimums, best luck), and draws and
 * claims in the store (stock, quota, replays); on PostgreSQL also the lost races: a prize whose last unit another
 * transaction takes while the draw waits, and shares other claims hold (SQLite; PostgreSQL with YT_TEST_PG_URL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/timeutil.h"
#include "customer/customer.h"
#include "loyalty/points.h"
#include "marketing/lottery.h"
#include "marketing/redpacket.h"
#include "store_fixture.h"

#define CTX(conn, ar) {.db = (conn), .who = yt_system_actor(), .arena = &(ar)}

/* ---- the draw rule ---- */

static void slots_are_laid_end_to_end(void **state) {
    (void)state;
    lottery_slot s[] = {{1, true}, {10, true}, {100, false}, {889, true}};
    assert_int_equal(lottery_weight(s, 4), 900);
    assert_int_equal(lottery_pick(s, 4, 0), 0);
    assert_int_equal(lottery_pick(s, 4, 1), 1);
    assert_int_equal(lottery_pick(s, 4, 10), 1);
    assert_int_equal(lottery_pick(s, 4, 11), 3); /* slot 2 is out of stock: it takes no room */
    assert_int_equal(lottery_pick(s, 4, 899), 3);
    assert_int_equal(lottery_pick(s, 4, 900), -1);
    lottery_slot none[] = {{5, false}, {7, false}};
    uint32_t v, total;
    assert_int_equal(lottery_roll(none, 2, &v, &total), -1);
    assert_int_equal(total, 0);
}

/* Pearson's chi-square of observed counts against expected ones. */
static double chi_square(const int64_t *seen, const double *expected, int n) {
    double x2 = 0;
    for (int i = 0; i < n; i++) x2 += (seen[i] - expected[i]) * (seen[i] - expected[i]) / expected[i];
    return x2;
}

/* 100,000 draws match the weights: the statistic stays under the critical value at p = 10^-6 (degrees of
 * freedom: slots - 1; a fair draw fails once in a million runs, a slot off by one by far), and each draw's value
 * lies within the total. */
static void draws_fit_the_weights(void **state) {
    (void)state;
    enum { DRAWS = 100000 };
    static const double critical[] = {[2] = 27.631, [3] = 30.664}; /* chi-square, p = 10^-6, by degrees of freedom */
    struct {
        lottery_slot slots[4];
        int df;
    } cases[] = {
        {{{1, true}, {10, true}, {100, true}, {889, true}}, 3},
        {{{1, true}, {10, true}, {100, false}, {889, true}}, 2}, /* one prize gone: the rest keep their ratios */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        lottery_slot *s = cases[c].slots;
        int64_t seen[4] = {0};
        uint32_t v, total;
        for (int i = 0; i < DRAWS; i++) {
            int k = lottery_roll(s, 4, &v, &total);
            assert_true(k >= 0 && s[k].available);
            assert_true(v < total);
            seen[k]++;
        }
        double expected[4];
        int64_t kept[4];
        int n = 0;
        for (int i = 0; i < 4; i++) {
            if (!s[i].available) {
                assert_int_equal(seen[i], 0);
                continue;
            }
            expected[n] = (double)DRAWS * s[i].weight / lottery_weight(s, 4);
            kept[n++] = seen[i];
        }
        double x2 = chi_square(kept, expected, n);
        if (x2 >= critical[cases[c].df])
            fail_msg("case %zu: chi-square %.3f reaches the critical value %.3f (df %d)", c, x2, critical[cases[c].df], cases[c].df);
        /* the slot of weight 1 in 1,000 or 900 is drawn about 100 times: not never */
        assert_true(kept[0] > 40 && kept[0] < 200);
    }
}

/* ---- the split ---- */

static void splits_add_up(void **state) {
    (void)state;
    int64_t *a = calloc(RED_PACKET_COUNT_MAX, sizeof *a);
    assert_non_null(a);
    int varied = 0;
    for (int round = 0; round < 3000; round++) {
        int64_t count = 1 + randombytes_uniform(round % 10 == 0 ? RED_PACKET_COUNT_MAX : 200);
        int64_t total = count + randombytes_uniform(round % 3 == 0 ? 5 : 1000000);
        for (int lucky = 0; lucky < 2; lucky++) {
            memset(a, 0, RED_PACKET_COUNT_MAX * sizeof *a);
            int64_t best = red_packet_split(lucky, total, count, a);
            assert_true(best >= 0 && best < count);
            int64_t sum = 0, max = 0;
            for (int64_t i = 0; i < count; i++) {
                if (a[i] < 1) fail_msg("total %lld count %lld: share %lld is %lld fen", (long long)total, (long long)count, (long long)i, (long long)a[i]);
                sum += a[i];
                if (a[i] > max) max = a[i];
            }
            assert_int_equal(sum, total);
            assert_int_equal(a[best], max);
            for (int64_t i = 0; i < best; i++) assert_true(a[i] < max); /* ties: the first is best */
            if (count < RED_PACKET_COUNT_MAX) assert_int_equal(a[count], 0); /* nothing written past count */
            if (!lucky) /* equal shares, the remainder one fen each to the first */
                for (int64_t i = 0; i < count; i++) assert_int_equal(a[i], total / count + (i < total % count));
            if (lucky && count > 2 && total >= 10 * count && a[0] != a[1]) varied++;
        }
    }
    assert_true(varied > 100);
    assert_int_equal(red_packet_split(true, 4, 5, a), -1);
    assert_int_equal(red_packet_split(false, 10, 0, a), -1);
    assert_int_equal(red_packet_split(true, 5, 5, a), 0);
    for (int i = 0; i < 5; i++) assert_int_equal(a[i], 1);
    free(a);
}

/* Lucky shares are fair by position: over many packets each position averages the mean. */
static void lucky_positions_average_the_mean(void **state) {
    (void)state;
    enum { COUNT = 10, TOTAL = 10000, PACKETS = 20000 };
    double sum[COUNT] = {0};
    int64_t a[COUNT];
    for (int p = 0; p < PACKETS; p++) {
        red_packet_split(true, TOTAL, COUNT, a);
        for (int i = 0; i < COUNT; i++) sum[i] += (double)a[i];
    }
    for (int i = 0; i < COUNT; i++) {
        double mean = sum[i] / PACKETS;
        if (mean < 950 || mean > 1050) fail_msg("position %d averages %.1f fen, not about 1000", i, mean);
    }
}

/* ---- in the store ---- */

static int64_t new_customer(yt_ctx *x, const char *name) {
    customer_input in = {.name = name};
    int64_t id;
    assert_int_equal(customer_create(x, &in, &id), YT_OK);
    return id;
}

static int64_t make_lottery(yt_ctx *x, int64_t cost, int64_t free_per_day, int64_t max, const lottery_prize_input *z, int n) {
    lottery_input in = {.name = "转盘", .starts_at = now_ms() - 1000, .ends_at = now_ms() + 3600000, .cost_points = cost,
                        .free_per_day = free_per_day, .max_draws_per_day = max, .nprizes = n};
    memcpy(in.prizes, z, (size_t)n * sizeof *z);
    int64_t id;
    assert_int_equal(lottery_create(x, &in, &id), YT_OK);
    return id;
}

static int64_t points_of(yt_db *db, int64_t customer) {
    yt_param p[] = {PI(customer)};
    return db_query_int(db, "SELECT points FROM customers WHERE id = ?", 1, p, -1);
}

static void draws_keep_stock_and_quota(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    lottery_prize_input z[] = {
        {.name = "100积分", .kind = "points", .points = 100, .has_points = true, .stock = 3, .has_stock = true, .weight = 1000000},
        {.name = "谢谢参与", .kind = "none", .weight = 1},
    };
    int64_t lot = make_lottery(&x, 10, 2, 0, z, 2), me = new_customer(&x, "抽奖者");
    lottery_draw_result res;
    int64_t won = 0, free_draws = 0;
    assert_int_equal(points_change(&x, me, 25, POINTS_ADJUST, "t", NULL), YT_OK);
    for (int i = 0; i < 5; i++) {
        int rc = lottery_draw(&x, lot, me, &res);
        if (i < 4) assert_int_equal(rc, YT_OK);
        if (rc) {
            assert_int_equal(rc, YT_ECONFLICT);
            assert_string_equal(x.err.field, "points");
            break;
        }
        won += res.prize_id != 0;
        free_draws += res.free;
    }
    /* two free, then 10 points each; each prize of 100 points refills the balance */
    assert_int_equal(free_draws, 2);
    assert_true(won >= 2);
    /* stock 3 is never passed, however many draw */
    for (int i = 0; i < 6; i++) {
        int64_t c = new_customer(&x, "路人");
        assert_int_equal(lottery_draw(&x, lot, c, &res), YT_OK);
        won += res.prize_id != 0;
    }
    assert_int_equal(won, 3);
    yt_param p[] = {PI(lot)};
    assert_int_equal(db_query_int(db, "SELECT stock_left FROM lottery_prizes WHERE lottery_id = ? AND kind = 'points'", 1, p, -1), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM lottery_draws d JOIN lottery_prizes z ON z.id = d.prize_id"
                                      " WHERE d.lottery_id = ? AND z.kind = 'points'", 1, p, -1), 3);
    /* a lottery without a 'none' prize whose stock is gone refuses, and spends nothing */
    lottery_prize_input one[] = {{.name = "杯子", .kind = "goods", .stock = 1, .has_stock = true, .weight = 1}};
    int64_t cup = make_lottery(&x, 1, 0, 0, one, 1), b = new_customer(&x, "后来者");
    assert_int_equal(points_change(&x, b, 5, POINTS_ADJUST, "t", NULL), YT_OK);
    assert_int_equal(lottery_draw(&x, cup, b, &res), YT_OK);
    assert_int_equal(res.cost, 1);
    assert_string_equal(res.prize_kind, "goods");
    assert_int_equal(lottery_draw(&x, cup, b, &res), YT_ECONFLICT);
    assert_string_equal(x.err.field, "prizes");
    assert_int_equal(points_of(db, b), 4);
    arena_free(&arena);
}

static void lottery_input_is_checked(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_ctx x = CTX(store_db(st), arena);
    lottery_prize_input ok = {.name = "奖", .kind = "goods", .stock = 1, .has_stock = true, .weight = 1};
    struct {
        lottery_prize_input z;
        const char *field;
    } bad[] = {
        {{.name = "奖", .kind = "goods", .stock = 1, .has_stock = true, .weight = 0}, "prizes[1].weight"},
        {{.name = "奖", .kind = "goods", .stock = 1, .has_stock = true, .weight = -5}, "prizes[1].weight"},
        {{.name = "奖", .kind = "goods", .weight = 5}, "prizes[1].stock"},
        {{.name = "奖", .kind = "none", .stock = 3, .has_stock = true, .weight = 5}, "prizes[1].stock"},
        {{.name = "奖", .kind = "points", .stock = 3, .has_stock = true, .weight = 5}, "prizes[1].points"},
        {{.name = "奖", .kind = "goods", .points = 3, .has_points = true, .stock = 3, .has_stock = true, .weight = 5}, "prizes[1].points"},
        {{.name = "奖", .kind = "cash", .stock = 3, .has_stock = true, .weight = 5}, "prizes[1].kind"},
        {{.name = "", .kind = "goods", .stock = 3, .has_stock = true, .weight = 5}, "prizes[1].name"},
        {{.name = "a\xe2\x80\x8b", .kind = "goods", .stock = 3, .has_stock = true, .weight = 5}, "prizes[1].name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lottery_input in = {.name = "检查", .starts_at = now_ms(), .ends_at = now_ms() + 60000, .cost_points = 1, .nprizes = 2};
        in.prizes[0] = ok;
        in.prizes[1] = bad[i].z;
        int64_t id;
        assert_int_equal(lottery_create(&x, &in, &id), YT_EINVAL);
        assert_string_equal(x.err.field, bad[i].field);
    }
    lottery_input in = {.name = "检查", .starts_at = now_ms(), .ends_at = now_ms() + 60000, .nprizes = 1};
    in.prizes[0] = ok;
    int64_t id;
    assert_int_equal(lottery_create(&x, &in, &id), YT_EINVAL); /* neither cost nor free draws */
    assert_string_equal(x.err.field, "cost_points");
    in.cost_points = 1;
    in.ends_at = in.starts_at;
    assert_int_equal(lottery_create(&x, &in, &id), YT_EINVAL);
    assert_string_equal(x.err.field, "ends_at");
    in.ends_at = in.starts_at + 60000;
    in.prizes[0] = (lottery_prize_input){.name = "空", .kind = "none", .weight = 1};
    assert_int_equal(lottery_create(&x, &in, &id), YT_EINVAL); /* nothing to win */
    assert_string_equal(x.err.field, "prizes");
    arena_free(&arena);
}

static void limits_and_windows(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    lottery_prize_input z[] = {{.name = "袜子", .kind = "goods", .stock = 100, .has_stock = true, .weight = 1},
                               {.name = "谢谢", .kind = "none", .weight = 3}};
    int64_t free_only = make_lottery(&x, 0, 2, 0, z, 2), capped = make_lottery(&x, 1, 1, 3, z, 2), me = new_customer(&x, "会员");
    lottery_draw_result res;
    assert_int_equal(lottery_draw(&x, free_only, me, &res), YT_OK);
    assert_int_equal(res.free_left, 1);
    assert_int_equal(lottery_draw(&x, free_only, me, &res), YT_OK);
    assert_int_equal(res.free_left, 0);
    assert_int_equal(lottery_draw(&x, free_only, me, &res), YT_ECONFLICT);
    assert_string_equal(x.err.field, "free_per_day");
    assert_int_equal(points_change(&x, me, 100, POINTS_ADJUST, "t", NULL), YT_OK);
    for (int i = 0; i < 3; i++) assert_int_equal(lottery_draw(&x, capped, me, &res), YT_OK);
    assert_int_equal(lottery_draw(&x, capped, me, &res), YT_ECONFLICT);
    assert_string_equal(x.err.field, "max_draws_per_day");
    assert_int_equal(points_of(db, me), 98); /* one free, two at 1 point, the fourth refused */
    assert_int_equal(lottery_stop(&x, capped), YT_OK);
    assert_int_equal(lottery_stop(&x, capped), YT_OK);
    assert_int_equal(lottery_draw(&x, capped, me, &res), 422);
    assert_int_equal(lottery_draw(&x, 999999, me, &res), YT_ENOTFOUND);
    assert_int_equal(lottery_stop(&x, 999999), YT_ENOTFOUND);
    /* not yet started: 422, nothing spent */
    lottery_input later = {.name = "明天", .starts_at = now_ms() + 3600000, .ends_at = now_ms() + 7200000, .cost_points = 5,
                           .nprizes = 2};
    memcpy(later.prizes, z, sizeof z);
    int64_t id;
    assert_int_equal(lottery_create(&x, &later, &id), YT_OK);
    assert_int_equal(lottery_draw(&x, id, me, &res), 422);
    assert_string_equal(x.err.field, "lottery");
    assert_int_equal(points_of(db, me), 98);
    arena_free(&arena);
}

static int64_t make_packet(yt_ctx *x, const char *mode, int64_t total, int64_t count) {
    red_packet_input in = {.name = "新春红包", .mode = mode, .total = total, .count = count, .starts_at = now_ms() - 1000,
                           .ends_at = now_ms() + 3600000};
    int64_t id;
    assert_int_equal(red_packet_create(x, &in, &id), YT_OK);
    return id;
}

static void claims_pay_out_the_total_once_each(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    int64_t rp = make_packet(&x, "lucky", 1000, 7), paid = 0, first_amount = 0;
    red_packet_claim_result res;
    int64_t people[8];
    for (int i = 0; i < 8; i++) people[i] = new_customer(&x, "领红包");
    for (int i = 0; i < 7; i++) {
        assert_int_equal(red_packet_claim(&x, rp, people[i], &res), YT_OK);
        assert_false(res.replay);
        assert_true(res.amount >= 1);
        assert_int_equal(res.balance, res.amount);
        if (i == 0) first_amount = res.amount;
        if (i < 6) assert_int_equal(res.best_luck, -1); /* told once all are claimed */
        else assert_true(res.best_luck == 0 || res.best_luck == 1);
        paid += res.amount;
    }
    assert_int_equal(paid, 1000);
    assert_int_equal(red_packet_claim(&x, rp, people[7], &res), YT_ECONFLICT);
    assert_string_equal(x.err.field, "shares_left");
    /* a second claim is the same share */
    assert_int_equal(red_packet_claim(&x, rp, people[0], &res), YT_OK);
    assert_true(res.replay);
    assert_int_equal(res.amount, first_amount);
    assert_true(res.best_luck == 0 || res.best_luck == 1);
    yt_param p[] = {PI(rp)};
    assert_int_equal(db_query_int(db, "SELECT SUM(amount) FROM red_packet_claims WHERE packet_id = ?", 1, p, -1), 1000);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM red_packet_claims WHERE packet_id = ? AND best_luck", 1, p, -1), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM red_packet_claims c WHERE packet_id = ? AND amount ="
                                      " (SELECT MAX(amount) FROM red_packet_claims WHERE packet_id = c.packet_id) AND best_luck", 1, p, -1), 1);
    /* bad input */
    red_packet_input in = {.name = "错", .mode = "lucky", .total = 4, .count = 5, .starts_at = now_ms(), .ends_at = now_ms() + 60000};
    int64_t id;
    assert_int_equal(red_packet_create(&x, &in, &id), YT_EINVAL);
    assert_string_equal(x.err.field, "total");
    in.total = 100, in.count = 0;
    assert_int_equal(red_packet_create(&x, &in, &id), YT_EINVAL);
    assert_string_equal(x.err.field, "count");
    in.count = 1000000000000LL;
    assert_int_equal(red_packet_create(&x, &in, &id), YT_EINVAL);
    assert_string_equal(x.err.field, "count");
    in.count = 5, in.mode = "even";
    assert_int_equal(red_packet_create(&x, &in, &id), YT_EINVAL);
    assert_string_equal(x.err.field, "mode");
    in.mode = "fixed", in.total = -100;
    assert_int_equal(red_packet_create(&x, &in, &id), YT_EINVAL);
    assert_string_equal(x.err.field, "total");
    /* fixed: 10 among 3 is 4, 3, 3 */
    int64_t fixed = make_packet(&x, "fixed", 10, 3);
    int64_t got[3];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(red_packet_claim(&x, fixed, people[i], &res), YT_OK);
        got[i] = res.amount;
    }
    assert_int_equal(got[0], 4);
    assert_int_equal(got[1], 3);
    assert_int_equal(got[2], 3);
    assert_int_equal(res.balance, 3 + db_query_int(db, "SELECT amount FROM red_packet_claims WHERE packet_id = ? AND customer_id = ?", 2,
                                                   (yt_param[]){PI(rp), PI(people[2])}, -1));
    arena_free(&arena);
}

/* ---- lost races (PostgreSQL: a second connection holds what the draw or claim wants) ---- */

typedef struct {
    yt_db *db;
    int ms;
    bool commit;
} release_later;

static void *release(void *arg) {
    release_later *l = arg;
    struct timespec ts = {0, (long)l->ms * 1000000L};
    nanosleep(&ts, NULL);
    if (l->commit) db_commit(l->db);
    else db_rollback(l->db);
    return NULL;
}

static void lost_races_redraw_and_skip(void **state) {
    (void)state;
    if (store_dialect(st) != YT_PG) skip();
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    char err[256];
    yt_store *other = store_open(fx.target, err, sizeof err);
    assert_non_null(other);
    /* store_db hands each thread its own connection: take the other store's for the holder */
    yt_db *holder = store_db(other);
    lottery_prize_input z[] = {{.name = "最后一台", .kind = "goods", .stock = 1, .has_stock = true, .weight = 1000000},
                               {.name = "谢谢参与", .kind = "none", .weight = 1}};
    int64_t lot = make_lottery(&x, 0, 5, 0, z, 2), me = new_customer(&x, "慢一步");
    yt_param p[] = {PI(lot)};
    assert_int_equal(db_begin(holder), 0);
    assert_int_equal(db_exec(holder, "UPDATE lottery_prizes SET stock_left = stock_left - 1 WHERE lottery_id = ? AND kind = 'goods'", 1, p), 1);
    release_later l = {holder, 300, true};
    pthread_t t;
    pthread_create(&t, NULL, release, &l);
    lottery_draw_result res;
    uint64_t t0 = mono_ns();
    assert_int_equal(lottery_draw(&x, lot, me, &res), YT_OK); /* drew the last unit, waited, lost it, drew again */
    assert_true(mono_ns() - t0 >= 250000000ull);
    pthread_join(t, NULL);
    assert_int_equal(res.prize_id, 0);
    assert_int_equal(db_query_int(db, "SELECT stock_left FROM lottery_prizes WHERE lottery_id = ? AND kind = 'goods'", 1, p, -1), 0);

    /* a share another claim holds is skipped, not waited for */
    int64_t rp = make_packet(&x, "fixed", 300, 3), a = new_customer(&x, "甲"), b = new_customer(&x, "乙");
    yt_param q[] = {PI(now_ms()), PI(rp)};
    assert_int_equal(db_begin(holder), 0);
    assert_int_equal(db_exec(holder, "UPDATE red_packet_shares SET claimed_at = ? WHERE packet_id = ? AND seq = 1", 2, q), 1);
    red_packet_claim_result res2;
    t0 = mono_ns();
    assert_int_equal(red_packet_claim(&x, rp, a, &res2), YT_OK);
    assert_true(mono_ns() - t0 < 200000000ull);
    db_rollback(holder); /* seq 1 is free again */
    /* when every share left is held, the claim waits: a holder that gives it back lets it through */
    assert_int_equal(db_begin(holder), 0);
    assert_int_equal(db_exec(holder, "UPDATE red_packet_shares SET claimed_at = ? WHERE packet_id = ? AND claimed_at IS NULL", 2, q), 2);
    l = (release_later){holder, 300, false};
    pthread_create(&t, NULL, release, &l);
    t0 = mono_ns();
    assert_int_equal(red_packet_claim(&x, rp, b, &res2), YT_OK);
    assert_true(mono_ns() - t0 >= 250000000ull);
    assert_int_equal(res2.amount, 100);
    pthread_join(t, NULL);
    /* and one that keeps it makes the packet sold out */
    int64_t c = new_customer(&x, "丙");
    assert_int_equal(db_begin(holder), 0);
    assert_int_equal(db_exec(holder, "UPDATE red_packet_shares SET claimed_at = ? WHERE packet_id = ? AND claimed_at IS NULL", 2, q), 1);
    l = (release_later){holder, 300, true};
    pthread_create(&t, NULL, release, &l);
    assert_int_equal(red_packet_claim(&x, rp, c, &res2), YT_ECONFLICT);
    pthread_join(t, NULL);
    store_close(other);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(slots_are_laid_end_to_end),
        cmocka_unit_test(draws_fit_the_weights),
        cmocka_unit_test(splits_add_up),
        cmocka_unit_test(lucky_positions_average_the_mean),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(draws_keep_stock_and_quota),
        cmocka_unit_test(lottery_input_is_checked),
        cmocka_unit_test(limits_and_windows),
        cmocka_unit_test(claims_pay_out_the_total_once_each),
        cmocka_unit_test(lost_races_redraw_and_skip),
    };
    if (sodium_init() < 0) return 1;
    int failed = cmocka_run_group_tests_name("marketing", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("marketing-sqlite", stored, setup, teardown);
    pg_url = getenv("YT_TEST_PG_URL");
    if (pg_url && *pg_url) failed += cmocka_run_group_tests_name("marketing-postgres", stored, setup, teardown);
    return failed;
}
