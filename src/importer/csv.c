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
    /* Past CSV_MAX_RECORD nothing more is kept (full): the rest of the record is only scanned, quotes and
     * line breaks included, so the next record starts where it should and memory stays bounded. */
    bool quoted = false, was_quoted = false, at_start = true, bad = false, full = false;
#define PUT(ch) (full ? (void)0 : buf_putc(&r->rec, (char)(ch)))
    r->offs[r->nfields++] = 0;
    for (;; c = getc(r->f)) {
        if (c == EOF) {
            if (quoted && !bad) {
                r->error = "unterminated quoted field";
                bad = true;
            }
            break;
        }
        if (quoted) {
            if (c == '"') {
                int d = getc(r->f);
                if (d == '"') PUT('"');
                else {
                    quoted = false;
                    if (d != EOF) ungetc(d, r->f);
                }
                continue;
            }
            if (c == '\n') r->next_line++;
            PUT(c);
        } else if (c == '"' && !was_quoted && at_start) {
            quoted = was_quoted = true;
            at_start = false;
        } else if (c == ',') {
            PUT('\0');
            if (full) {
                /* the record is dropped; its fields are no longer tracked */
            } else if (r->nfields == CSV_MAX_FIELDS) {
                if (!bad) r->error = "too many fields";
                bad = true;
            } else {
                r->offs[r->nfields++] = r->rec.len;
            }
            was_quoted = false;
            at_start = true;
        } else if (c == '\n') {
            r->next_line++;
            break;
        } else if (c == '\r') {
            int d = getc(r->f);
            if (d != '\n' && d != EOF) ungetc(d, r->f);
            r->next_line++;
            break;
        } else {
            PUT(c);
            at_start = false;
        }
        if (!full && r->rec.len > CSV_MAX_RECORD) {
            r->error = "record longer than 64 KiB";
            bad = full = true;
            buf_reset(&r->rec);
            r->nfields = 1;
        }
    }
#undef PUT
    if (r->next_line == r->line) r->next_line++;
    buf_putc(&r->rec, '\0');
    return bad ? -2 : r->nfields;
}

const char *csv_field(const csv_reader *r, int i) {
    if (i < 0 || i >= r->nfields) return "";
    return r->rec.p + r->offs[i];
}

/* True when a spreadsheet could read the cell as a formula: a leading = + - @, tab or carriage return, or
 * their full-width forms (＝ ＋ － ＠), which some spreadsheets accept too. */
static bool looks_like_formula(const char *s) {
    if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r') return true;
    static const char *const wide[] = {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D", "\xEF\xBC\xA0"};
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (strncmp(s, wide[i], 3) == 0) return true;
    return false;
}

void csv_put_field(yt_buf *b, const char *s, bool first) {
    if (!first) buf_putc(b, ',');
    if (!s) return;
    bool formula = looks_like_formula(s);
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
