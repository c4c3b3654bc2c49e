/* One list page as JSON: {"items":[...],"next_cursor":...} from rows read newest first with LIMIT limit + 1. */
#include "page.h"

void rows_write_array(yt_jw *w, yt_rows *r, void (*write_row)(yt_jw *w, yt_rows *r)) {
    jw_arr(w);
    while (rows_next(r)) write_row(w, r);
    jw_arr_end(w);
}

static void plain_row(void *arg, yt_jw *w, yt_rows *r) {
    void (*write_row)(yt_jw *w, yt_rows *r) = *(void (**)(yt_jw *, yt_rows *))arg;
    write_row(w, r);
}

void page_write(yt_jw *w, yt_rows *r, int limit, void (*write_row)(yt_jw *w, yt_rows *r)) {
    page_write_with(w, r, limit, plain_row, &write_row);
}

void page_write_with(yt_jw *w, yt_rows *r, int limit, void (*write_row)(void *arg, yt_jw *w, yt_rows *r), void *arg) {
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    int count = 0;
    int64_t last = 0;
    bool more = false;
    while (rows_next(r)) {
        if (count == limit) {
            more = true;
            break;
        }
        last = rows_int(r, 0);
        write_row(arg, w, r);
        count++;
    }
    jw_arr_end(w);
    jw_next_cursor(w, more, last);
    jw_obj_end(w);
}
