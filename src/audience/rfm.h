/* RFM on the audience index: quintile scores for recency, frequency and money, and the eight classic groups,
 * computed from the bit-sliced columns when asked, so they are current with every order. */
#ifndef YT_RFM_H
#define YT_RFM_H
#include "index.h"

enum { RFM_R, RFM_F, RFM_M, RFM_NDIMS };
#define RFM_NGROUPS 8
/* 重要价值客户 ... 一般挽留客户, indexed by rfm_group_of(r_high, f_high, m_high). */
extern const char *const rfm_group_names[RFM_NGROUPS];
int rfm_group_of(bool r_high, bool f_high, bool m_high);

/* Callers hold the index's read lock (eval.c, audience_rfm_json). Results are new bitmaps. */
typedef struct audience_rfm audience_rfm;
/* The thresholds of the current data: the buyers (live customers with a paid order) and, per dimension,
 * the value a score must be above and the mean. NULL when nobody has bought. */
audience_rfm *rfm_prepare(audience *a);
void rfm_free(audience_rfm *r);
/* Buyers whose score on dim is lo..hi (1..5). A score is 1 + floor(5 x the share of buyers below). */
roaring_bitmap_t *rfm_scores(audience_rfm *r, int dim, int lo, int hi);
/* Buyers in one of the eight groups: above or below the buyers' mean on each dimension. */
roaring_bitmap_t *rfm_group(audience_rfm *r, int group);
/* One customer's score on dim (0: not a buyer) and group (-1: not a buyer). */
int rfm_score_of(audience_rfm *r, int dim, uint32_t id);
int rfm_group_index_of(audience_rfm *r, uint32_t id);
/* The buyers, and each dimension's mean (recency as a day, orders, spend in fen). */
const roaring_bitmap_t *rfm_buyers(audience_rfm *r);
double rfm_mean(audience_rfm *r, int dim);

#endif
