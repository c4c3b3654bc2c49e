/* Fuzzes the streaming CSV reader (src/importer/csv.c) under the order and customer import headers, with their row checks. */
#include "base/text.h"
#include "base/timeutil.h"
#include "fuzz_check.h"
#include "importer/csv.h"
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The first byte: bit 0 picks the header (orders or customers), bits 1-5 repeat the rest 1 to 32 times,
 * so inputs of a few KiB reach the 64 KiB record limit. */
static const char orders_header[] = "customer_ref,ordered_on,quantity,amount,order_id,name\n";
static const char customers_header[] =
    "name,nickname,phone,unionid,openid,external_userid,email,city,gender,birthday,tags\r\n";

/* Round trip through the writer: fields written with csv_put_field read back the same, or behind a ' that
 * defuses a spreadsheet formula (always for a leading = + - @; the writer may guard other first characters). */
static void check_rewrite(const csv_reader *r) {
    yt_buf b = YT_BUF_INIT;
    for (int i = 0; i < r->nfields; i++) csv_put_field(&b, csv_field(r, i), i == 0);
    buf_putc(&b, '\n');
    FILE *f = fmemopen(b.p, b.len, "r");
    csv_reader again;
    csv_init(&again, f);
    again.next_line = 2; /* not the first line: a leading BOM is data here */
    int n = csv_next(&again);
    FUZZ_CHECK(n == r->nfields, "%d fields rewritten read back as %d: %s", r->nfields, n, b.p);
    for (int i = 0; i < n; i++) {
        const char *want = csv_field(r, i), *got = csv_field(&again, i);
        bool formula = *want == '=' || *want == '+' || *want == '-' || *want == '@';
        bool defused = got[0] == '\'' && strcmp(got + 1, want) == 0;
        if (formula) FUZZ_CHECK(defused, "field %d '%s' read back as '%s'", i, want, got);
        else FUZZ_CHECK(defused || strcmp(got, want) == 0, "field %d '%s' read back as '%s'", i, want, got);
    }
    FUZZ_CHECK(csv_next(&again) == -1, "one record rewritten read back as more");
    csv_free(&again);
    fclose(f);
    buf_free(&b);
}

static void check_order_row(const csv_reader *r) {
    int64_t when, q, fen;
    const char *date = csv_field(r, 1), *qty = csv_field(r, 2), *amt = csv_field(r, 3);
    if (time_parse(date, &when)) {
        char out[40];
        int64_t back;
        time_fmt(when, out, sizeof out);
        FUZZ_CHECK(time_parse(out, &back) && back == when, "ordered_on '%s' -> '%s'", date, out);
    }
    if (parse_i64(qty, &q)) {
        char out[32];
        int64_t back;
        snprintf(out, sizeof out, "%" PRId64, q);
        FUZZ_CHECK(parse_i64(out, &back) && back == q, "quantity '%s' -> %s", qty, out);
    }
    if (money_to_fen(amt, &fen)) {
        char out[40];
        int64_t back;
        fen_to_str(fen, out, sizeof out);
        FUZZ_CHECK(money_to_fen(out, &back) && back == fen, "amount '%s' -> %" PRId64 " fen -> '%s'", amt, fen, out);
    }
}

static void check_customer_row(const csv_reader *r) {
    const char *phone = csv_field(r, 2), *birthday = csv_field(r, 9);
    char norm[32], again[32], masked[32];
    if (*phone && phone_normalize(phone, norm, sizeof norm)) {
        size_t n = strlen(norm);
        FUZZ_CHECK(n >= 6 && n <= 20 && strspn(norm, "0123456789") == n, "phone '%s' -> '%s'", phone, norm);
        FUZZ_CHECK(phone_normalize(norm, again, sizeof again) && strcmp(norm, again) == 0, "phone '%s' -> '%s' -> '%s'",
                   phone, norm, again);
        /* the mask keeps at most seven digits (the first three and last four of a mainland mobile) and
         * hides at least four of any number */
        phone_mask(norm, masked, sizeof masked);
        size_t shown = strspn(masked, "0123456789") + strlen(masked + strcspn(masked, "*") + strspn(masked + strcspn(masked, "*"), "*"));
        FUZZ_CHECK(strstr(masked, "****") && shown <= 7, "phone '%s' masked as '%s'", norm, masked);
        FUZZ_CHECK(n - shown >= 4, "phone '%s' masked as '%s' hides %zu digits", norm, masked, n - shown);
    }
    int y, m, d;
    if (*birthday && date_parse(birthday, &y, &m, &d))
        FUZZ_CHECK(y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31, "birthday '%s'", birthday);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 8192) return 0;
    bool orders = data[0] & 1;
    int repeat = 1 + ((data[0] >> 1) & 31);
    const char *header = orders ? orders_header : customers_header;
    yt_buf in = YT_BUF_INIT;
    buf_puts(&in, header);
    for (int i = 0; i < repeat; i++) buf_append(&in, data + 1, size - 1);

    FILE *f = fmemopen(in.p, in.len, "r");
    csv_reader r;
    csv_init(&r, f);
    int nf = csv_next(&r);
    FUZZ_CHECK(nf == (orders ? 6 : 11), "the header read as %d fields", nf);
    long last_line = r.line;
    int records = 0;
    while ((nf = csv_next(&r)) != -1) {
        records++;
        FUZZ_CHECK(r.line > last_line && r.next_line > r.line, "record at line %ld after %ld (next %ld)", r.line,
                   last_line, r.next_line);
        last_line = r.line;
        /* one record at a time: never more than the limit held, whatever the input */
        FUZZ_CHECK(r.rec.len <= CSV_MAX_RECORD + 2, "a record of %zu bytes held in memory", r.rec.len);
        if (nf == -2) {
            FUZZ_CHECK(r.error != NULL, "a malformed record without a reason");
            continue;
        }
        FUZZ_CHECK(nf >= 1 && nf <= CSV_MAX_FIELDS && nf == r.nfields, "%d fields", nf);
        FUZZ_CHECK(r.error == NULL, "an error on a good record");
        for (int i = 0; i < nf; i++) {
            FUZZ_CHECK(r.offs[i] < r.rec.len && (i == 0 || r.offs[i] > r.offs[i - 1]), "field %d at %zu", i, r.offs[i]);
            FUZZ_CHECK(strlen(csv_field(&r, i)) <= CSV_MAX_RECORD, "field %d longer than a record", i);
        }
        FUZZ_CHECK(*csv_field(&r, nf) == '\0' && *csv_field(&r, -1) == '\0', "absent fields are not empty");
        check_rewrite(&r);
        if (orders) check_order_row(&r);
        else check_customer_row(&r);
        FUZZ_CHECK(records <= (int)in.len, "more records than bytes");
    }
    FUZZ_CHECK(csv_next(&r) == -1, "reading on after the end found more");
    csv_free(&r);
    fclose(f);
    buf_free(&in);
    return 0;
}
