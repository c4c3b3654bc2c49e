/* Unit tests for metrics: one label per route however long the route table grows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "base/buf.h"
#include "base/metrics.h"

static void every_route_keeps_its_own_label(void **state) {
    (void)state;
    enum { N = 300 }; /* far past the 96 slots the counters once had */
    static char names[N][32];
    metrics_init(N);
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "/r/%d", i);
        metrics_register_route(i, "GET", names[i]);
    }
    metrics_observe_request(95, 200, 1000);
    metrics_observe_request(96, 404, 1000);
    metrics_observe_request(N - 1, 201, 1000);
    yt_buf b = YT_BUF_INIT;
    metrics_render(&b);
    assert_non_null(strstr(b.p, "yutang_http_requests_total{route=\"/r/95\",method=\"GET\",status=\"200\"} 1\n"));
    assert_non_null(strstr(b.p, "yutang_http_requests_total{route=\"/r/96\",method=\"GET\",status=\"404\"} 1\n"));
    assert_non_null(strstr(b.p, "yutang_http_requests_total{route=\"/r/299\",method=\"GET\",status=\"201\"} 1\n"));
    buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_keeps_its_own_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
