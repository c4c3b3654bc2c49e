/* The brand's fitted lifetime-value model: fitted on the store's orders, saved in the store, and the latest
 * one read back (by the audience index for per-customer predictions). */
#ifndef YT_CLV_MODEL_H
#define YT_CLV_MODEL_H
#include "clv.h"
#include "../base/json.h"
#include "../domain/ctx.h"

typedef struct {
    int64_t id, fitted_at;   /* ms */
    int32_t until_day;       /* the cut-off day the fit used */
    clv_unit unit;
    clv_bgnbd bgnbd;
    clv_gamma_gamma gg;
} clv_model;

/* Fits both models on the paid orders up to until_day; false with err set (too few repeat buyers, ...). */
bool clv_model_fit(yt_db *db, int32_t until_day, clv_unit unit, clv_model *out, char *err, size_t errsz);
/* Saves a fitted model (audited as clv.fit); out->id is set. */
int clv_model_save(yt_ctx *x, clv_model *m);
/* The latest saved model: 1 found, 0 none, -1 a store error. */
int clv_model_latest(yt_db *db, clv_model *out);
/* Writes the model's parameters and fit as a JSON object. */
void clv_model_write_json(yt_jw *w, const clv_model *m);

#endif
