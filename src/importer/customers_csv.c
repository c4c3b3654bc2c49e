/* Customers in and out as CSV: import upserts by identity, export masks phones unless the caller reads PII. */
#include "importer.h"
#include "../base/alloc.h"
#include "../base/crypto.h"
#include "../base/json.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../customer/identity.h"
#include "../domain/audit.h"
#include "chunk.h"
#include "csv.h"
#include <stdlib.h>
#include <string.h>

static const char *const customer_columns[] = {"name", "nickname", "phone", "unionid", "openid", "external_userid",
                                               "email", "city", "gender", "birthday", "tags"};
enum { COL_NAME, COL_NICK, COL_PHONE, COL_UNIONID, COL_OPENID, COL_EXTID, COL_EMAIL, COL_CITY, COL_GENDER, COL_BIRTHDAY,
       COL_TAGS, NCOLS };
/* the file's column for each identity kind (identity.h) */
static const int col_of_kind[ID_PERSON_KINDS] = {[ID_PHONE] = COL_PHONE, [ID_EMAIL] = COL_EMAIL, [ID_UNIONID] = COL_UNIONID,
                                                 [ID_OPENID] = COL_OPENID, [ID_EXTERNAL_USERID] = COL_EXTID};

int import_customers(yt_ctx *x, FILE *f, import_summary *s) { return import_customers_shared(x, NULL, f, s); }

int import_customers_shared(yt_ctx *x, const import_writer *w, FILE *f, import_summary *s) {
    memset(s, 0, sizeof *s);
    csv_reader r;
    csv_init(&r, f);
    int col[NCOLS];
    for (int i = 0; i < NCOLS; i++) col[i] = -1;
    if (csv_next(&r) < 1) {
        csv_free(&r);
        return yt_fail(x, YT_EINVAL, "file", "the CSV has no header line");
    }
    for (int i = 0; i < r.nfields; i++)
        for (int k = 0; k < NCOLS; k++)
            if (strcmp(csv_field(&r, i), customer_columns[k]) == 0) col[k] = i;
    if (col[COL_NAME] < 0) {
        csv_free(&r);
        return yt_fail(x, YT_EINVAL, "file", "the header needs a 'name' column");
    }
    int nf;
    /* commit in chunks: a crash loses at most the chunk, a re-run fills it, and waiting writes go between */
    import_chunk chunk;
    import_chunk_init(&chunk, x, w);
    if (import_chunk_begin(&chunk)) {
        import_chunk_finish(&chunk);
        csv_free(&r);
        return x->err.code;
    }
    while ((nf = csv_next(&r)) != -1) {
        if (import_chunk_full(&chunk) && (import_chunk_end(&chunk, true) || import_chunk_begin(&chunk))) {
            import_chunk_finish(&chunk);
            csv_free(&r);
            return x->err.code;
        }
        s->read++;
        if (nf == -2) {
            import_add_error(s, r.line, r.error);
            continue;
        }
        if (nf == 1 && !*csv_field(&r, 0)) {
            s->read--;
            continue;
        }
        const char *v[NCOLS];
        bool utf8_ok = true;
        for (int k = 0; k < NCOLS; k++) {
            v[k] = col[k] >= 0 && *csv_field(&r, col[k]) ? csv_field(&r, col[k]) : NULL;
            if (v[k] && !utf8_valid(v[k], strlen(v[k]))) utf8_ok = false;
        }
        if (!utf8_ok) {
            import_add_error(s, r.line, "the line is not valid UTF-8");
            continue;
        }
        const char *tags[32];
        int ntags = 0;
        bool too_many = false;
        char *tagbuf = v[COL_TAGS] ? yt_strdup(v[COL_TAGS]) : NULL;
        char *save = NULL;
        for (char *t = tagbuf ? strtok_r(tagbuf, "|", &save) : NULL; t; t = strtok_r(NULL, "|", &save)) {
            if (!*t) continue;
            if (ntags == 32) {
                too_many = true;
                break;
            }
            tags[ntags++] = t;
        }
        if (too_many) {
            free(tagbuf);
            import_add_error(s, r.line, "tags: at most 32 tags per customer");
            continue;
        }
        customer_input in = {.name = v[COL_NAME], .nickname = v[COL_NICK], .city = v[COL_CITY], .gender = v[COL_GENDER],
                             .birthday = v[COL_BIRTHDAY], .tags = tags, .ntags = ntags};
        for (int k = 0; k < ID_PERSON_KINDS; k++) in.ids.v[k] = v[col_of_kind[k]];
        /* an existing customer with one of these identities (phone first) is updated rather than duplicated */
        int64_t existing = 0, live = 0;
        for (int k = 0; k < ID_PERSON_KINDS && !existing; k++)
            if (in.ids.v[k]) existing = identity_find(x->db, identity_kind_name(k), "", in.ids.v[k]);
        int64_t id;
        x->err.code = YT_OK;
        int rc;
        if (existing && customer_resolve(x, existing, &live) == YT_OK) rc = customer_update(x, live, &in);
        else if (existing) rc = x->err.code;
        else {
            rc = customer_create(x, &in, &id);
            if (rc == YT_OK) s->customers_created++;
        }
        free(tagbuf);
        if (rc == YT_EINTERNAL) {
            csv_free(&r);
            import_chunk_finish(&chunk);
            return rc;
        }
        if (rc != YT_OK) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s: %s", x->err.field, x->err.msg);
            import_add_error(s, r.line, msg);
            continue;
        }
        s->imported++;
    }
    csv_free(&r);
    x->err.code = YT_OK;
    int rc = import_chunk_end(&chunk, true);
    import_chunk_finish(&chunk);
    return rc;
}

int export_customers(yt_ctx *x, yt_buf *out, bool bom, const export_filter *filter) {
    if (bom) buf_puts(out, "\xEF\xBB\xBF");
    buf_puts(out, "id,name,nickname,phone,gender,birthday,city,store_id,owner_id,lifecycle_stage,member_level,points,"
                  "tags,created_at\r\n");
    bool unmask = (x->who->perms & PERM_PII_READ) != 0;
    yt_buf sql = YT_BUF_INIT;
    buf_puts(&sql, "SELECT c.id, c.name, c.nickname, c.gender, c.birthday, c.city, c.store_id, c.owner_id, c.lifecycle,"
                   " c.member_level, c.points, c.created_at,"
                   " (SELECT sealed FROM identities i WHERE i.customer_id = c.id AND i.kind = 'phone' ORDER BY i.id LIMIT 1)"
                   " FROM customers c WHERE c.merged_into IS NULL AND c.erased_at IS NULL");
    yt_param p[1];
    int n = 0;
    if (x->who->own_customers_only) {
        buf_puts(&sql, " AND c.owner_id = ?");
        p[n++] = PI(x->who->staff_id);
    }
    buf_puts(&sql, " ORDER BY c.id");
    yt_rows *r = db_query(x->db, sql.p, n, p);
    buf_free(&sql);
    if (!r) return yt_fail_db(x, "exporting customers");
    /* every tag in one query, in customer order, walked alongside the customers (no query per row) */
    yt_rows *t = db_query(x->db,
                          "SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id"
                          " ORDER BY ct.customer_id, ct.created_at, t.id",
                          0, NULL);
    if (!t) {
        rows_free(r);
        return yt_fail_db(x, "exporting customers");
    }
    bool tag_pending = rows_next(t);
    yt_buf tags = YT_BUF_INIT;
    while (rows_next(r)) {
        int64_t id = rows_int(r, 0);
        if (filter && filter->keep && !filter->keep(filter->arg, id)) continue;
        buf_printf(out, "%lld", (long long)id);
        csv_put_field(out, rows_text(r, 1), false);
        csv_put_field(out, rows_text(r, 2), false);
        char phone[64] = "";
        if (!rows_null(r, 12)) {
            char *plain = crypto_pii_open(rows_text(r, 12));
            if (plain) {
                if (unmask) snprintf(phone, sizeof phone, "%s", plain);
                else phone_mask(plain, phone, sizeof phone);
                free(plain);
            }
        }
        csv_put_field(out, phone, false);
        csv_put_field(out, rows_text(r, 3), false);
        csv_put_field(out, rows_text(r, 4), false);
        csv_put_field(out, rows_text(r, 5), false);
        buf_puts(out, ",");
        if (!rows_null(r, 6)) buf_printf(out, "%lld", (long long)rows_int(r, 6));
        buf_puts(out, ",");
        if (!rows_null(r, 7)) buf_printf(out, "%lld", (long long)rows_int(r, 7));
        csv_put_field(out, rows_text(r, 8), false);
        buf_printf(out, ",%lld,%lld", (long long)rows_int(r, 9), (long long)rows_int(r, 10));
        buf_reset(&tags);
        while (tag_pending && rows_int(t, 0) < id) tag_pending = rows_next(t);
        while (tag_pending && rows_int(t, 0) == id) {
            if (tags.len) buf_putc(&tags, '|');
            buf_puts(&tags, rows_text(t, 1));
            tag_pending = rows_next(t);
        }
        csv_put_field(out, tags.p ? tags.p : "", false);
        char ts[40];
        time_fmt(rows_int(r, 11), ts, sizeof ts);
        buf_printf(out, ",%s\r\n", ts);
    }
    rows_free(r);
    rows_free(t);
    buf_free(&tags);
    if (filter && filter->audit_action) return audit_record(x, filter->audit_action, "segment", filter->audit_entity_id, NULL);
    return audit_record(x, "customer.export_all", "customer", 0, NULL);
}

long import_count_pii(FILE *f, const order_map *m) {
    csv_reader r;
    csv_init(&r, f);
    int cols[2] = {-1, -1};
    long n = 0;
    if (csv_next(&r) >= 1) {
        for (int i = 0; i < r.nfields; i++) {
            const char *h = csv_field(&r, i);
            if (m ? m->phone && strcmp(h, m->phone) == 0 : strcmp(h, "phone") == 0) cols[0] = i;
            if (!m && strcmp(h, "email") == 0) cols[1] = i;
        }
        int nf;
        while ((cols[0] >= 0 || cols[1] >= 0) && (nf = csv_next(&r)) != -1) {
            if (nf < 0) continue; /* a malformed line is never imported */
            for (int k = 0; k < 2; k++)
                if (cols[k] >= 0 && *csv_field(&r, cols[k])) n++;
        }
    }
    csv_free(&r);
    return fseeko(f, 0, SEEK_SET) == 0 ? n : -1;
}
