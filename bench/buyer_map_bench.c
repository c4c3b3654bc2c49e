/* The flash buyer map under a sale of first-time buyers: each call's time (the sale's mutex is held for it), the
 * worst one and the total, as JSON. usage: buyer_map_bench [BUYERS]   (default 300000) */
#include "commerce/buyer_map.h"
#include "base/timeutil.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 300000;
    if (n <= 0) {
        fprintf(stderr, "usage: buyer_map_bench [BUYERS]\n");
        return 2;
    }
    buyer_map m = {0};
    uint64_t worst = 0, total = 0;
    long worst_at = 0;
    for (long i = 1; i <= n; i++) {
        int64_t id = (int64_t)((uint64_t)i * 2654435761u % 100000000u) + 1; /* ids spread like a store's */
        uint64_t t0 = mono_ns();
        *buyer_slot(&m, id) += 1;
        uint64_t d = mono_ns() - t0;
        total += d;
        if (d > worst) worst = d, worst_at = i;
    }
    printf("{\"bench\":\"buyer_map\",\"buyers\":%ld,\"worst_call_ms\":%.3f,\"worst_at_buyer\":%ld,\"total_ms\":%.1f}\n", n,
           worst / 1e6, worst_at, total / 1e6);
    buyer_map_free(&m);
    return 0;
}
