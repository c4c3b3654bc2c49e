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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forgetting_keeps_every_other_buyer),
        cmocka_unit_test(an_id_asked_and_forgotten_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
