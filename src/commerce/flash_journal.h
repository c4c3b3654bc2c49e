/* The flash order journal: a hot sale's orders are written first to flash_journal, a table indexed only by id
 * and by sale, where each commit group's rows go to the end (a page per many orders), instead of to mall_orders,
 * whose customer index takes a page of its own per order. The committer files them into mall_orders later,
 * many at a time and in customer order, once the sale is quiet (or when rows are due); anything that reads or
 * changes mall orders files what it needs first (flash_journal_settle*), so no reader ever misses an
 * acknowledged order. */
#ifndef YT_FLASH_JOURNAL_H
#define YT_FLASH_JOURNAL_H
#include "../domain/ctx.h"
#include "../store/store.h"

#define FLASH_JOURNAL_LOCK 0x79745F6A726E6CLL /* the store's lock for filing (PostgreSQL: two instances file in turn) */

/* Files the oldest journal rows, at most max of them (0: all), into mall_orders and removes them from the
 * journal, in db's transaction (the caller's when it has one, else one of its own on db, which must be able
 * to write; no answer then waits for its commit's sync: it only moves durable rows). The rows' number, or -1
 * on a store error (nothing filed). */
int64_t flash_journal_file(yt_db *db, int64_t max);

/* Before anything reads or changes mall orders: files whatever the journal holds. When it holds nothing (one
 * read), nothing; else the rows are filed on x->db when it is the writer (in its transaction when it has
 * one), or on the store's writer, taken for it, in a transaction of their own. YT_OK, or a store error in x. */
int flash_journal_settle(yt_ctx *x);
/* The same for what one order, or one customer's orders, need: the rows of that order or customer only (a
 * member's payment or list, during a long sale, files a few rows, not the whole journal). */
int flash_journal_settle_order(yt_ctx *x, int64_t order_id);
int flash_journal_settle_customer(yt_ctx *x, int64_t customer_id);

#endif
