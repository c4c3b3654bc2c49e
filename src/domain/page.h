/* One list page as JSON: {"items":[...],"next_cursor":...} from rows read newest first with LIMIT limit + 1. */
#ifndef YT_PAGE_H
#define YT_PAGE_H
#include "../base/json.h"
#include "../store/store.h"

/* Writes up to limit items with write_row; one more row means there is a next page, which continues after
 * the last item's column 0 (its id). The caller frees r. */
void page_write(yt_jw *w, yt_rows *r, int limit, void (*write_row)(yt_jw *w, yt_rows *r));
/* page_write with a row writer that needs more than the row (arg is passed through). */
void page_write_with(yt_jw *w, yt_rows *r, int limit, void (*write_row)(void *arg, yt_jw *w, yt_rows *r), void *arg);
/* Writes every row of r as a JSON array with write_row (an export, a short fixed list). The caller frees r. */
void rows_write_array(yt_jw *w, yt_rows *r, void (*write_row)(yt_jw *w, yt_rows *r));

#endif
