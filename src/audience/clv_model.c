/* The lifetime-value model in the store: fit, save, load the latest, and its JSON. */
#include "clv_model.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool clv_model_fit(yt_db *db, int32_t until_day, clv_unit unit, clv_model *out, char *err, size_t errsz) {
    memset(out, 0, sizeof *out);
    clv_summary s;
    if (!clv_load_orders(db, until_day, unit, &s, err, errsz)) {
        clv_summary_free(&s);
        return false;
    }
    bool ok = clv_fit_bgnbd(s.rows, s.n, &out->bgnbd);
    if (!ok) snprintf(err, errsz, "BG/NBD: %s", out->bgnbd.error ? out->bgnbd.error : "the fit failed");
    if (ok && !(ok = clv_fit_gamma_gamma(s.rows, s.n, &out->gg)))
        snprintf(err, errsz, "Gamma-Gamma: %s", out->gg.error ? out->gg.error : "the fit failed");
    clv_summary_free(&s);
    out->until_day = until_day;
    out->unit = unit;
    out->fitted_at = now_ms();
    return ok;
}

int clv_model_save(yt_ctx *x, clv_model *m) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"r\":%.17g,\"alpha\":%.17g,\"a\":%.17g,\"b\":%.17g,\"p\":%.17g,\"q\":%.17g,\"gamma\":%.17g,"
             "\"ll_bgnbd\":%.17g,\"ll_gamma_gamma\":%.17g,\"customers\":%zu,\"repeat_customers\":%zu}",
             m->bgnbd.r, m->bgnbd.alpha, m->bgnbd.a, m->bgnbd.b, m->gg.p, m->gg.q, m->gg.gamma, m->bgnbd.ll, m->gg.ll,
             m->bgnbd.customers, m->bgnbd.repeat_customers);
    yt_param p[] = {PI(m->fitted_at), PI(m->until_day), PT(m->unit == CLV_DAY ? "day" : "week"), PT(body)};
    return audited_write(x, "INSERT INTO clv_models(fitted_at, until_day, unit, params) VALUES(?,?,?,?) RETURNING id", 4, p,
                         &m->id, "clv.fit", "clv_model", 0, NULL, NULL);
}

static double num(const char *json, const char *key) {
    char k[32];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *at = strstr(json, k);
    return at ? strtod(at + strlen(k), NULL) : 0;
}

int clv_model_latest(yt_db *db, clv_model *out) {
    memset(out, 0, sizeof *out);
    yt_rows *r = db_query(db, "SELECT id, fitted_at, until_day, unit, params FROM clv_models ORDER BY id DESC LIMIT 1", 0, NULL);
    if (!r) return -1;
    int found = rows_next(r) ? 1 : 0;
    if (found) { /* params is the JSON this file wrote: flat, numbers only */
        const char *p = rows_text(r, 4);
        out->id = rows_int(r, 0);
        out->fitted_at = rows_int(r, 1);
        out->until_day = (int32_t)rows_int(r, 2);
        out->unit = strcmp(rows_text(r, 3), "day") == 0 ? CLV_DAY : CLV_WEEK;
        out->bgnbd = (clv_bgnbd){.r = num(p, "r"), .alpha = num(p, "alpha"), .a = num(p, "a"), .b = num(p, "b"),
                                 .ll = num(p, "ll_bgnbd"), .customers = (size_t)num(p, "customers"),
                                 .repeat_customers = (size_t)num(p, "repeat_customers")};
        out->gg = (clv_gamma_gamma){.p = num(p, "p"), .q = num(p, "q"), .gamma = num(p, "gamma"), .ll = num(p, "ll_gamma_gamma")};
    }
    rows_free(r);
    return found;
}

void clv_model_write_json(yt_jw *w, const clv_model *m) {
    jw_obj(w);
    jw_kint(w, "id", m->id);
    jw_ktime(w, "fitted_at", m->fitted_at);
    jw_kint(w, "until_day", m->until_day);
    jw_kstr(w, "unit", m->unit == CLV_DAY ? "day" : "week");
    jw_key(w, "bgnbd");
    jw_obj(w);
    jw_key(w, "r"); jw_dbl(w, m->bgnbd.r);
    jw_key(w, "alpha"); jw_dbl(w, m->bgnbd.alpha);
    jw_key(w, "a"); jw_dbl(w, m->bgnbd.a);
    jw_key(w, "b"); jw_dbl(w, m->bgnbd.b);
    jw_key(w, "log_likelihood"); jw_dbl(w, m->bgnbd.ll);
    jw_kint(w, "customers", (int64_t)m->bgnbd.customers);
    jw_kint(w, "repeat_customers", (int64_t)m->bgnbd.repeat_customers);
    jw_obj_end(w);
    jw_key(w, "gamma_gamma");
    jw_obj(w);
    jw_key(w, "p"); jw_dbl(w, m->gg.p);
    jw_key(w, "q"); jw_dbl(w, m->gg.q);
    jw_key(w, "gamma"); jw_dbl(w, m->gg.gamma);
    jw_key(w, "log_likelihood"); jw_dbl(w, m->gg.ll);
    jw_obj_end(w);
    jw_obj_end(w);
}
