/* Unit tests for request bodies and names: the JSON memory budget, duplicate keys, unreadable text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/api.h"
#include "base/buf.h"
#include "base/text.h"

/* Parses body as a request would; returns the status answered (0 when accepted). */
static int parse(const char *body, size_t len, char *field, size_t fieldsz) {
    yt_req r;
    memset(&r, 0, sizeof r);
    r.body = body;
    r.body_len = len;
    bool ok = api_parse_json_body(&r);
    int status = ok ? 0 : r.status;
    if (field) {
        field[0] = '\0';
        const char *f = r.out.p ? strstr(r.out.p, "\"field\":\"") : NULL;
        if (f) snprintf(field, fieldsz, "%.*s", (int)strcspn(f + 9, "\""), f + 9);
    }
    cJSON_Delete(r.json);
    buf_free(&r.out);
    arena_free(&r.arena);
    return status;
}

static void tiny_values_are_refused_within_budget(void **state) {
    (void)state;
    size_t n = 4u << 20; /* "0," four million times: 8 MiB of text, some 320 MB as a cJSON tree */
    yt_buf b = YT_BUF_INIT;
    buf_puts(&b, "{\"events\":[");
    for (size_t i = 0; i < n; i++) buf_puts(&b, "0,");
    buf_puts(&b, "0]}");
    assert_int_equal(parse(b.p, b.len, NULL, 0), 413);
    buf_free(&b);
}

static void an_ordinary_large_batch_fits(void **state) {
    (void)state;
    yt_buf b = YT_BUF_INIT;
    buf_puts(&b, "{\"events\":[");
    for (int i = 0; i < 10000; i++)
        buf_printf(&b, "%s{\"customer\":{\"phone\":\"139%08d\"},\"type\":\"order_paid\",\"time\":\"2026-11-30T08:00:00+08:00\","
                       "\"key\":\"o-%d\",\"properties\":{\"amount_fen\":%d,\"sku\":\"月饼礼盒\",\"qty\":1}}",
                   i ? "," : "", i, i, 100 + i);
    buf_puts(&b, "]}");
    assert_int_equal(parse(b.p, b.len, NULL, 0), 0);
    buf_free(&b);
}

static void duplicate_keys_are_named(void **state) {
    (void)state;
    char field[64];
    const char *top = "{\"name\":\"张三\",\"name\":\"李四\"}";
    assert_int_equal(parse(top, strlen(top), field, sizeof field), 400);
    assert_string_equal(field, "name");
    const char *nested = "{\"events\":[{\"customer\":{\"unionid\":\"a\",\"unionid\":\"b\"}}]}";
    assert_int_equal(parse(nested, strlen(nested), field, sizeof field), 400);
    assert_string_equal(field, "unionid");
    yt_buf b = YT_BUF_INIT; /* a wide object goes the sorted way */
    buf_puts(&b, "{\"p\":{");
    for (int i = 0; i < 500; i++) buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
    buf_puts(&b, ",\"k250\":0}}");
    assert_int_equal(parse(b.p, b.len, field, sizeof field), 400);
    assert_string_equal(field, "k250");
    buf_free(&b);
    const char *huge = "{\"events\":[{\"properties\":{\"big\":1e400}}]}";
    assert_int_equal(parse(huge, strlen(huge), field, sizeof field), 400);
    assert_string_equal(field, "big");
    const char *huge_item = "{\"ids\":[1, -1e999]}";
    assert_int_equal(parse(huge_item, strlen(huge_item), field, sizeof field), 400);
    assert_string_equal(field, "ids");
    const char *fine = "{\"a\":{\"x\":1},\"b\":{\"x\":2},\"c\":[{\"x\":1},{\"x\":2}],\"d\":1e300}";
    assert_int_equal(parse(fine, strlen(fine), NULL, 0), 0);
}

static void unreadable_text_is_named(void **state) {
    (void)state;
    assert_null(text_unreadable("王小明"));
    assert_null(text_unreadable("阿卜杜勒·买买提 (Tom) 🐟"));
    assert_non_null(text_unreadable("a\tb"));
    assert_non_null(text_unreadable("a\xc2\x85" "b"));              /* U+0085, a C1 control */
    assert_non_null(text_unreadable("\xe2\x80\xae" "gnp.exe"));     /* U+202E right-to-left override */
    assert_non_null(text_unreadable("赵\xe2\x80\x8b六"));            /* U+200B zero-width space */
    assert_non_null(text_unreadable("\xef\xbb\xbf" "钱"));           /* U+FEFF */
    assert_non_null(text_unreadable("a\xe2\x81\xa6" "b"));          /* U+2066 isolate */
    assert_non_null(text_unreadable("孙\xc2\xad八"));                /* U+00AD soft hyphen */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiny_values_are_refused_within_budget),
        cmocka_unit_test(an_ordinary_large_batch_fits),
        cmocka_unit_test(duplicate_keys_are_named),
        cmocka_unit_test(unreadable_text_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
