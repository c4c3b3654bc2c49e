/* Streaming CSV reader (RFC 4180: quotes, doubled quotes, newlines inside quotes, CRLF) and writer helpers. */
#include "csv.h"
#include <string.h>

void csv_init(csv_reader *r, FILE *f) {
    memset(r, 0, sizeof *r);
    r->f = f;
    r->next_line = 1;
}

void csv_free(csv_reader *r) { buf_free(&r->rec); }

int csv_next(csv_reader *r) {
    buf_reset(&r->rec);
    r->nfields = 0;
    r->error = NULL;
    r->line = r->next_line;
    int c = getc(r->f);
    if (c == EOF) return -1;
    if (r->line == 1 && c == 0xEF) { /* UTF-8 BOM */
        int c2 = getc(r->f), c3 = getc(r->f);
        if (c2 == 0xBB && c3 == 0xBF) c = getc(r->f);
        else {
            r->error = "invalid byte order mark";
            return -2;
        }
        if (c == EOF) return -1;
    }
    bool quoted = false, was_quoted = false, bad = false;
    r->offs[r->nfields++] = 0;
    for (;; c = getc(r->f)) {
        if (c == EOF) {
            if (quoted) {
                r->error = "unterminated quoted field";
                bad = true;
            }
            break;
        }
        if (quoted) {
            if (c == '"') {
                int d = getc(r->f);
                if (d == '"') buf_putc(&r->rec, '"');
                else {
                    quoted = false;
                    if (d != EOF) ungetc(d, r->f);
                }
                continue;
            }
            if (c == '\n') r->next_line++;
            buf_putc(&r->rec, (char)c);
        } else if (c == '"' && !was_quoted && r->rec.len == r->offs[r->nfields - 1]) {
            quoted = was_quoted = true;
        } else if (c == ',') {
            buf_putc(&r->rec, '\0');
            if (r->nfields == CSV_MAX_FIELDS) {
                r->error = "too many fields";
                bad = true;
            } else {
                r->offs[r->nfields++] = r->rec.len;
            }
            was_quoted = false;
        } else if (c == '\n') {
            r->next_line++;
            break;
        } else if (c == '\r') {
            int d = getc(r->f);
            if (d != '\n' && d != EOF) ungetc(d, r->f);
            r->next_line++;
            break;
        } else {
            buf_putc(&r->rec, (char)c);
        }
        if (r->rec.len > CSV_MAX_RECORD && !bad) {
            r->error = "record longer than 64 KiB";
            bad = true;
        }
    }
    if (r->next_line == r->line) r->next_line++;
    buf_putc(&r->rec, '\0');
    return bad ? -2 : r->nfields;
}

const char *csv_field(const csv_reader *r, int i) {
    if (i < 0 || i >= r->nfields) return "";
    return r->rec.p + r->offs[i];
}

void csv_put_field(yt_buf *b, const char *s, bool first) {
    if (!first) buf_putc(b, ',');
    if (!s) return;
    bool formula = *s == '=' || *s == '+' || *s == '-' || *s == '@';
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    if (formula) buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"') buf_putc(b, '"');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}
