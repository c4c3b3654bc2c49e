/* Streaming CSV reader (RFC 4180: quotes, doubled quotes, newlines inside quotes, CRLF) and writer helpers. */
#ifndef YT_CSV_H
#define YT_CSV_H
#include "../base/buf.h"
#include <stdbool.h>
#include <stdio.h>

#define CSV_MAX_FIELDS 64
#define CSV_MAX_RECORD (64 * 1024)

typedef struct {
    FILE *f;                 /* borrowed */
    yt_buf rec;              /* the current record's field bytes, NUL-separated */
    size_t offs[CSV_MAX_FIELDS];
    int nfields;
    long line;               /* line number where the current record started (1-based) */
    long next_line;
    const char *error;       /* set when csv_next returns -2 */
} csv_reader;

void csv_init(csv_reader *r, FILE *f);
void csv_free(csv_reader *r);
/* Reads the next record: number of fields, -1 at end of input, -2 on a malformed record
 * (too long, too many fields, unterminated quote); reading can go on after -2, at the next record.
 * At most CSV_MAX_RECORD bytes of a record are kept: the rest of an over-long one is scanned, not stored. */
int csv_next(csv_reader *r);
/* Field i of the current record ("" when absent); valid until the next csv_next. */
const char *csv_field(const csv_reader *r, int i);
/* Appends one CSV field, quoted when needed; a cell a spreadsheet would read as a formula (leading = + - @,
 * tab, carriage return, or full-width ＝ ＋ － ＠) is quoted and prefixed with ' so it stays text. */
void csv_put_field(yt_buf *b, const char *s, bool first);

#endif
