/* One list page as JSON: {"items":[...],"next_cursor":...} from rows read newest first with LIMIT limit + 1. */
#include "page.h"

void rows_write_array(yt_jw *w, yt_rows *r, void (*write_row)(yt_jw *w, yt_rows *r)) {
    jw_arr(w);
    while (rows_next(r)) write_row(w, r);
    jw_arr_end(w);
}

void page_write(yt_jw *w, yt_rows *r, int limit, void (*write_row)(yt_jw *w, yt_rows *r)) {
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
        write_row(w, r);
        count++;
    }
    jw_arr_end(w);
    jw_next_cursor(w, more, last);
    jw_obj_end(w);
}
