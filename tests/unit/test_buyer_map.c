/* The flash sale's buyer map against a plain array: slots made, counted and forgotten in any order (runs that
 * wrap around the table's end included) leave every other buyer's quantity where it can be found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include "commerce/buyer_map.h"

#define IDS 4000

static uint64_t rng = 88172645463325252ull;
static uint64_t next_random(void) { /* xorshift64: the same sequence each run */
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

/* The map holds exactly the ids with a quantity in want (want[i] for id ids[i], 0 meaning absent). */
static void holds_exactly(buyer_map *m, const int64_t *ids, const int64_t *want, size_t n) {
    size_t present = 0;
    for (size_t i = 0; i < n; i++) present += want[i] != 0;
    assert_int_equal(m->n, present);
    for (size_t i = 0; i < n; i++) {
        if (!want[i]) continue;
        assert_int_equal(*buyer_slot(m, ids[i]), want[i]);
    }
    assert_int_equal(m->n, present); /* looking up a present id makes no slot */
}

static void forgetting_keeps_every_other_buyer(void **state) {
    (void)state;
    static int64_t ids[IDS], want[IDS];
    buyer_map m = {0};
    for (size_t i = 0; i < IDS; i++) { /* ids of few distinct homes collide and wrap; the rest spread */
        ids[i] = i % 3 ? (int64_t)(next_random() % 1000000000) + 1 : (int64_t)i * 64 + 1;
        for (size_t k = 0; k < i; k++)
            if (ids[k] == ids[i]) ids[i] = (int64_t)i + 2000000000, k = i;
        want[i] = (int64_t)(i % 7) + 1;
        *buyer_slot(&m, ids[i]) = want[i];
    }
    holds_exactly(&m, ids, want, IDS);
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < IDS; i++) { /* forget about half, in random order, checking a few others each time */
            size_t k = (size_t)(next_random() % IDS);
            if (!want[k] || next_random() % 2) continue;
            int64_t *slot = buyer_slot(&m, ids[k]);
            *slot = 0;
            buyer_forget(&m, slot);
            want[k] = 0;
            for (int probe = 0; probe < 8; probe++) {
                size_t j = (size_t)(next_random() % IDS);
                if (want[j]) assert_int_equal(*buyer_slot(&m, ids[j]), want[j]);
            }
        }
        holds_exactly(&m, ids, want, IDS);
        for (size_t i = 0; i < IDS; i += 2) /* and some come back */
            if (!want[i]) *buyer_slot(&m, ids[i]) = want[i] = (int64_t)round + 10;
        holds_exactly(&m, ids, want, IDS);
    }
    buyer_map_free(&m);
    assert_int_equal(m.n, 0);
    assert_null(m.key);
}

static void an_id_asked_and_forgotten_leaves_nothing(void **state) {
    (void)state;
    buyer_map m = {0};
    *buyer_slot(&m, 7) = 2;
    for (int64_t id = 100; id < 10100; id++) buyer_forget(&m, buyer_slot(&m, id)); /* asked, held nothing */
    assert_int_equal(m.n, 1);
    assert_int_equal(m.cap, 64); /* never grew */
    assert_int_equal(*buyer_slot(&m, 7), 2);
    buyer_map_free(&m);
}

/* Growing moves the old table a step a call, never all of it in one (a sale's mutex is held meanwhile), and every
 * quantity stays findable while it moves; a customer forgotten meanwhile does not come back from the old table. */
static void growing_moves_a_step_at_a_time(void **state) {
    (void)state;
    buyer_map m = {0};
    int64_t id = 1;
    while (!m.okey || m.ocap < 4096) *buyer_slot(&m, id) = id % 5 + 1, id++; /* up to the call that starts a growth */
    assert_int_equal(m.cap, 8192);
    assert_true(m.moved <= 64);
    assert_int_equal(m.n, (size_t)(id - 1));
    int64_t *slot = buyer_slot(&m, 2000); /* still in the old table: moved by this lookup */
    assert_int_equal(*slot, 2000 % 5 + 1);
    *slot = 0;
    buyer_forget(&m, slot);
    assert_non_null(m.okey);
    for (int64_t k = 1; k < id; k++)
        if (k != 2000) assert_int_equal(*buyer_slot(&m, k), k % 5 + 1);
    assert_null(m.okey); /* 2,048 calls moved the old table's 4,096 slots */
    assert_int_equal(m.n, (size_t)(id - 2));
    assert_int_equal(*buyer_slot(&m, 2000), 0); /* forgotten: asked again, it holds nothing */
    buyer_map_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forgetting_keeps_every_other_buyer),
        cmocka_unit_test(an_id_asked_and_forgotten_leaves_nothing),
        cmocka_unit_test(growing_moves_a_step_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
