/* CLV models: purchase summaries, BG/NBD and Gamma-Gamma maximum likelihood fits, predictions (libm only). */
#include "clv.h"
#include "../base/alloc.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- summaries ---- */

void clv_summary_init(clv_summary *s, int32_t cutoff_day, clv_unit unit) {
    memset(s, 0, sizeof *s);
    s->cutoff_day = cutoff_day;
    s->unit = unit;
}

static void close_day(clv_summary *s) {
    if (s->day == s->first_day) return;
    s->repeat_days++;
    s->repeat_fen += s->day_fen;
    s->last_repeat_day = s->day;
}

static void close_customer(clv_summary *s) {
    close_day(s);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->rows = yt_realloc(s->rows, s->cap * sizeof *s->rows);
    }
    double unit = s->unit == CLV_WEEK ? 7.0 : 1.0;
    clv_rfm *c = &s->rows[s->n++];
    c->customer_id = s->id;
    c->x = (double)s->repeat_days;
    c->t_x = s->repeat_days ? (double)(s->last_repeat_day - s->first_day) / unit : 0.0;
    c->T = (double)(s->cutoff_day - s->first_day) / unit;
    c->mean_amount = s->repeat_days ? (double)s->repeat_fen / 100.0 / (double)s->repeat_days : 0.0;
    s->open = false;
}

bool clv_summary_add(clv_summary *s, int64_t customer_id, int32_t day, int64_t amount_fen) {
    if (s->error) return false;
    if (day > s->cutoff_day) return true;
    if (s->open && customer_id == s->id) {
        if (day < s->day) {
            s->error = "a customer's purchases are not in day order";
            return false;
        }
        if (day == s->day) {
            s->day_fen += amount_fen;
            return true;
        }
        close_day(s);
        s->day = day;
        s->day_fen = amount_fen;
        return true;
    }
    if (s->open) {
        if (customer_id < s->id) {
            s->error = "customers are not in ascending id order";
            return false;
        }
        close_customer(s);
    }
    s->open = true;
    s->id = customer_id;
    s->first_day = s->day = s->last_repeat_day = day;
    s->day_fen = amount_fen;
    s->repeat_fen = s->repeat_days = 0;
    return true;
}

bool clv_summary_finish(clv_summary *s) {
    if (s->error) return false;
    if (s->open) close_customer(s);
    return true;
}

void clv_summary_free(clv_summary *s) {
    free(s->rows);
    s->rows = NULL;
    s->n = s->cap = 0;
}

/* ---- numerical helpers ---- */

static double lbeta(double a, double b) { return lgamma(a) + lgamma(b) - lgamma(a + b); }

/* log(1 + e^u) without overflow or lost digits */
static double softplus(double u) { return u > 0 ? u + log1p(exp(-u)) : log1p(exp(u)); }

/* Log-parameters beyond this are refused by the objectives (e^30 ~ 1e13): the optimiser stays finite. */
#define LOG_PARAM_LIMIT 30.0
#define NM_MAX_DIM 4

typedef double (*objective_fn)(const double *theta, void *ctx);

static double evaluate(objective_fn f, void *ctx, const double *theta, int dim, int *evals) {
    (*evals)++;
    for (int i = 0; i < dim; i++)
        if (!(fabs(theta[i]) <= LOG_PARAM_LIMIT)) return HUGE_VAL;
    double v = f(theta, ctx);
    return isfinite(v) ? v : HUGE_VAL;
}

/* Nelder-Mead simplex minimisation from theta (replaced by the best point found); returns its value.
 * Stops when the simplex's values agree to ftol (relative) and its points to xtol, or after max_evals. */
static double nelder_mead_run(objective_fn f, void *ctx, int dim, double *theta, double step, int max_evals, int *evals) {
    double p[NM_MAX_DIM + 1][NM_MAX_DIM], fv[NM_MAX_DIM + 1];
    const double ftol = 1e-13, xtol = 1e-9;
    for (int i = 0; i <= dim; i++) {
        memcpy(p[i], theta, sizeof(double) * (size_t)dim);
        if (i > 0) p[i][i - 1] += step;
        fv[i] = evaluate(f, ctx, p[i], dim, evals);
    }
    int start = *evals - (dim + 1);
    for (;;) {
        /* order the vertices best first (insertion sort: at most five) */
        for (int i = 1; i <= dim; i++)
            for (int j = i; j > 0 && fv[j] < fv[j - 1]; j--) {
                double t = fv[j];
                fv[j] = fv[j - 1];
                fv[j - 1] = t;
                for (int k = 0; k < dim; k++) {
                    t = p[j][k];
                    p[j][k] = p[j - 1][k];
                    p[j - 1][k] = t;
                }
            }
        if (*evals - start >= max_evals) break;
        double spread = 0;
        for (int i = 1; i <= dim; i++)
            for (int k = 0; k < dim; k++) spread = fmax(spread, fabs(p[i][k] - p[0][k]));
        if (isfinite(fv[dim]) && fv[dim] - fv[0] <= ftol * (fabs(fv[0]) + 1e-30) && spread <= xtol) break;
        double c[NM_MAX_DIM] = {0}, xr[NM_MAX_DIM], xe[NM_MAX_DIM], xc[NM_MAX_DIM];
        for (int i = 0; i < dim; i++)
            for (int k = 0; k < dim; k++) c[k] += p[i][k] / dim;
        for (int k = 0; k < dim; k++) xr[k] = c[k] + (c[k] - p[dim][k]);
        double fr = evaluate(f, ctx, xr, dim, evals);
        if (fr < fv[0]) {
            for (int k = 0; k < dim; k++) xe[k] = c[k] + 2.0 * (c[k] - p[dim][k]);
            double fe = evaluate(f, ctx, xe, dim, evals);
            bool expand = fe < fr;
            memcpy(p[dim], expand ? xe : xr, sizeof(double) * (size_t)dim);
            fv[dim] = expand ? fe : fr;
            continue;
        }
        if (fr < fv[dim - 1]) {
            memcpy(p[dim], xr, sizeof(double) * (size_t)dim);
            fv[dim] = fr;
            continue;
        }
        bool outside = fr < fv[dim];
        for (int k = 0; k < dim; k++) xc[k] = outside ? c[k] + 0.5 * (xr[k] - c[k]) : c[k] + 0.5 * (p[dim][k] - c[k]);
        double fc = evaluate(f, ctx, xc, dim, evals);
        if (outside ? fc <= fr : fc < fv[dim]) {
            memcpy(p[dim], xc, sizeof(double) * (size_t)dim);
            fv[dim] = fc;
            continue;
        }
        for (int i = 1; i <= dim; i++) { /* shrink towards the best vertex */
            for (int k = 0; k < dim; k++) p[i][k] = p[0][k] + 0.5 * (p[i][k] - p[0][k]);
            fv[i] = evaluate(f, ctx, p[i], dim, evals);
        }
    }
    memcpy(theta, p[0], sizeof(double) * (size_t)dim);
    return fv[0];
}

/* Nelder-Mead, restarted from its own result with a fresh simplex until a restart gains nothing (a simplex
 * can collapse before the optimum; restarting is the usual remedy). */
static double minimise(objective_fn f, void *ctx, int dim, double *theta, int *evals) {
    *evals = 0;
    double best = nelder_mead_run(f, ctx, dim, theta, 1.0, 4000, evals);
    for (int restart = 0; restart < 8 && isfinite(best); restart++) {
        double again = nelder_mead_run(f, ctx, dim, theta, 0.05, 4000, evals);
        bool gained = again < best - 1e-12 * fabs(best);
        best = fmin(best, again);
        if (!gained) break;
    }
    return best;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Index of v in the sorted distinct values[0..n). */
static int32_t index_of(const double *values, size_t n, double v) {
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (values[mid] <= v) lo = mid;
        else hi = mid;
    }
    return (int32_t)lo;
}

/* Sorts values and drops duplicates; returns how many are left. */
static size_t sort_unique(double *values, size_t n) {
    if (n == 0) return 0;
    qsort(values, n, sizeof *values, cmp_double);
    size_t k = 1;
    for (size_t i = 1; i < n; i++)
        if (values[i] != values[k - 1]) values[k++] = values[i];
    return k;
}

/* ---- BG/NBD ---- */

/* Customers with the same (x, t_x, T), fitted once with their count as weight. The likelihood needs
 * log(alpha + t) for every distinct time and a few x-only terms per distinct x: both tabled per evaluation. */
typedef struct {
    int32_t ix, iT, itx;
    double w;
} bg_row;

typedef struct {
    bg_row *rows;
    size_t nrows, nx, ntimes;
    double *xs, *times, total_w;
    double *log_alpha_t, *x_base, *x_ratio; /* scratch per evaluation */
} bg_data;

typedef struct {
    double x, t_x, T;
} bg_key;

static int cmp_bg_key(const void *pa, const void *pb) {
    const bg_key *a = pa, *b = pb;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    if (a->T != b->T) return a->T < b->T ? -1 : 1;
    if (a->t_x != b->t_x) return a->t_x < b->t_x ? -1 : 1;
    return 0;
}

static bool rfm_valid(const clv_rfm *c) {
    return isfinite(c->x) && isfinite(c->t_x) && isfinite(c->T) && c->x >= 0 && c->x == floor(c->x) && c->x < 1e9 &&
           c->t_x >= 0 && c->t_x <= c->T && (c->x > 0 || c->t_x == 0);
}

static void bg_data_free(bg_data *d) {
    free(d->rows);
    free(d->xs);
    free(d->times);
    free(d->log_alpha_t);
    free(d->x_base);
    free(d->x_ratio);
}

/* Compresses the customers into weighted rows; NULL error on success. */
static const char *bg_data_build(bg_data *d, const clv_rfm *c, size_t n, size_t *repeat_customers) {
    memset(d, 0, sizeof *d);
    if (n == 0) return "no customers to fit";
    bg_key *keys = yt_malloc(n * sizeof *keys);
    size_t repeaters = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rfm_valid(&c[i])) {
            free(keys);
            return "a customer has an invalid x, t_x or T (need integer x >= 0 and 0 <= t_x <= T)";
        }
        keys[i] = (bg_key){c[i].x, c[i].t_x, c[i].T};
        repeaters += c[i].x > 0;
    }
    if (repeat_customers) *repeat_customers = repeaters;
    if (repeaters == 0) {
        free(keys);
        return "no customer has a repeat purchase: the model cannot be fitted";
    }
    qsort(keys, n, sizeof *keys, cmp_bg_key);
    d->rows = yt_malloc(n * sizeof *d->rows);
    d->xs = yt_malloc(n * sizeof *d->xs);
    d->times = yt_malloc(2 * n * sizeof *d->times);
    size_t nrows = 0;
    for (size_t i = 0; i < n; i++) {
        if (nrows && cmp_bg_key(&keys[i], &keys[i - 1]) == 0) {
            d->rows[nrows - 1].w += 1.0;
            continue;
        }
        keys[nrows] = keys[i];
        d->rows[nrows++].w = 1.0;
    }
    for (size_t i = 0; i < nrows; i++) {
        d->xs[i] = keys[i].x;
        d->times[2 * i] = keys[i].T;
        d->times[2 * i + 1] = keys[i].t_x;
    }
    d->nx = sort_unique(d->xs, nrows);
    d->ntimes = sort_unique(d->times, 2 * nrows);
    for (size_t i = 0; i < nrows; i++) {
        d->rows[i].ix = index_of(d->xs, d->nx, keys[i].x);
        d->rows[i].iT = index_of(d->times, d->ntimes, keys[i].T);
        d->rows[i].itx = index_of(d->times, d->ntimes, keys[i].t_x);
        d->total_w += d->rows[i].w;
    }
    d->nrows = nrows;
    d->log_alpha_t = yt_malloc(d->ntimes * sizeof(double));
    d->x_base = yt_malloc(d->nx * sizeof(double));
    d->x_ratio = yt_malloc(d->nx * sizeof(double));
    free(keys);
    return NULL;
}

/* The BG/NBD log-likelihood of one customer (Fader, Hardie & Lee 2005, eq. 6), rearranged:
 *   ln L = ln G(r+x) - ln G(r) + r ln(alpha) + ln B(a, b+x) - ln B(a, b) - (r+x) ln(alpha+T)
 *          + [x > 0] ln(1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x))
 * the last term by softplus of its logarithm, so no power overflows. Summed with weights. */
static double bg_loglik(bg_data *d, double r, double alpha, double a, double b) {
    for (size_t k = 0; k < d->ntimes; k++) d->log_alpha_t[k] = log(alpha + d->times[k]);
    double lgamma_r = lgamma(r), lbeta_ab = lbeta(a, b), log_a = log(a);
    for (size_t j = 0; j < d->nx; j++) {
        double x = d->xs[j];
        d->x_base[j] = lgamma(r + x) - lgamma_r + lbeta(a, b + x) - lbeta_ab;
        d->x_ratio[j] = x > 0 ? log_a - log(b + x - 1.0) : 0.0;
    }
    double sum = d->total_w * r * log(alpha);
    const double *L = d->log_alpha_t;
    for (size_t i = 0; i < d->nrows; i++) {
        const bg_row *row = &d->rows[i];
        double x = d->xs[row->ix], rx = r + x, lt = L[row->iT];
        double term = d->x_base[row->ix] - rx * lt;
        if (x > 0) term += softplus(d->x_ratio[row->ix] + rx * (lt - L[row->itx]));
        sum += row->w * term;
    }
    return sum;
}

/* The objective: minus the mean log-likelihood per customer, over log-parameters. */
static double bg_objective(const double *theta, void *ctx) {
    bg_data *d = ctx;
    return -bg_loglik(d, exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3])) / d->total_w;
}

bool clv_fit_bgnbd(const clv_rfm *c, size_t n, clv_bgnbd *out) {
    memset(out, 0, sizeof *out);
    out->customers = n;
    bg_data d;
    if ((out->error = bg_data_build(&d, c, n, &out->repeat_customers))) return false;
    out->distinct_rows = d.nrows;
    /* start: r = a = b = 1 and alpha of the order of the mean observation time (alpha scales with the unit) */
    double mean_T = 0;
    for (size_t i = 0; i < d.nrows; i++) mean_T += d.rows[i].w * d.times[d.rows[i].iT];
    mean_T /= d.total_w;
    double theta[4] = {0.0, log(fmax(mean_T, 1e-3)), 0.0, 0.0};
    double best = minimise(bg_objective, &d, 4, theta, &out->evaluations);
    if (!isfinite(best)) {
        bg_data_free(&d);
        out->error = "the likelihood has no finite maximum for these customers";
        return false;
    }
    out->r = exp(theta[0]);
    out->alpha = exp(theta[1]);
    out->a = exp(theta[2]);
    out->b = exp(theta[3]);
    out->ll = bg_loglik(&d, out->r, out->alpha, out->a, out->b);
    bg_data_free(&d);
    for (int i = 0; i < 4; i++)
        if (fabs(theta[i]) > LOG_PARAM_LIMIT - 1.0) {
            out->error = "the fit ran to a parameter bound (the data do not identify the model)";
            return false;
        }
    return true;
}

double clv_bgnbd_loglik(const clv_bgnbd *m, const clv_rfm *c, size_t n) {
    if (!(m->r > 0 && m->alpha > 0 && m->a > 0 && m->b > 0)) return NAN;
    bg_data d;
    if (bg_data_build(&d, c, n, NULL)) return NAN;
    double ll = bg_loglik(&d, m->r, m->alpha, m->a, m->b);
    bg_data_free(&d);
    return ll;
}

/* ---- Gamma-Gamma ---- */

/* Repeat customers with the same (x, mean amount), fitted once with their count as weight. */
typedef struct {
    int32_t ix;
    double mx, w; /* mean amount times x */
} gg_row;

typedef struct {
    gg_row *rows;
    size_t nrows, nx;
    double *xs, *x_w, *x_base; /* distinct x, their total weight, scratch per evaluation */
    double total_w, sum_x_log_m, sum_log_m, sum_x_log_x;
} gg_data;

typedef struct {
    double x, m;
} gg_key;

static int cmp_gg_key(const void *pa, const void *pb) {
    const gg_key *a = pa, *b = pb;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    if (a->m != b->m) return a->m < b->m ? -1 : 1;
    return 0;
}

static void gg_data_free(gg_data *d) {
    free(d->rows);
    free(d->xs);
    free(d->x_w);
    free(d->x_base);
}

static const char *gg_data_build(gg_data *d, const clv_rfm *c, size_t n) {
    memset(d, 0, sizeof *d);
    gg_key *keys = yt_malloc((n ? n : 1) * sizeof *keys);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rfm_valid(&c[i]) || !isfinite(c[i].mean_amount)) {
            free(keys);
            return "a customer has an invalid x or mean amount";
        }
        if (c[i].x > 0 && c[i].mean_amount > 0) keys[k++] = (gg_key){c[i].x, c[i].mean_amount};
    }
    if (k == 0) {
        free(keys);
        return "no customer has a repeat purchase with a positive amount";
    }
    qsort(keys, k, sizeof *keys, cmp_gg_key);
    d->rows = yt_malloc(k * sizeof *d->rows);
    d->xs = yt_malloc(k * sizeof *d->xs);
    size_t nrows = 0;
    for (size_t i = 0; i < k; i++) {
        if (nrows && cmp_gg_key(&keys[i], &keys[nrows - 1]) == 0) {
            d->rows[nrows - 1].w += 1.0;
            continue;
        }
        keys[nrows] = keys[i];
        d->rows[nrows++].w = 1.0;
    }
    for (size_t i = 0; i < nrows; i++) d->xs[i] = keys[i].x;
    d->nx = sort_unique(d->xs, nrows);
    d->x_w = yt_calloc(d->nx, sizeof(double));
    d->x_base = yt_malloc(d->nx * sizeof(double));
    for (size_t i = 0; i < nrows; i++) {
        gg_row *row = &d->rows[i];
        double x = keys[i].x, m = keys[i].m;
        row->ix = index_of(d->xs, d->nx, x);
        row->mx = m * x;
        d->x_w[row->ix] += row->w;
        d->total_w += row->w;
        d->sum_x_log_m += row->w * x * log(m);
        d->sum_log_m += row->w * log(m);
        d->sum_x_log_x += row->w * x * log(x);
    }
    d->nrows = nrows;
    free(keys);
    return NULL;
}

/* The density of a customer's mean amount m over x purchases (Fader & Hardie 2013, "The Gamma-Gamma Model
 * of Monetary Value"):
 *   ln f = ln G(px+q) - ln G(px) - ln G(q) + q ln gamma + (px-1) ln m + px ln x - (px+q) ln(gamma + m x)
 * The sums over customers of the ln m and ln x parts are fixed, so only the last term costs a log a row. */
static double gg_loglik(gg_data *d, double p, double q, double gamma) {
    double lgamma_q = lgamma(q), sum = 0;
    for (size_t j = 0; j < d->nx; j++) {
        double px = p * d->xs[j];
        sum += d->x_w[j] * (lgamma(px + q) - lgamma(px) - lgamma_q);
        d->x_base[j] = px + q;
    }
    sum += d->total_w * q * log(gamma) + p * d->sum_x_log_m - d->sum_log_m + p * d->sum_x_log_x;
    for (size_t i = 0; i < d->nrows; i++) {
        const gg_row *row = &d->rows[i];
        sum -= row->w * d->x_base[row->ix] * log(gamma + row->mx);
    }
    return sum;
}

static double gg_objective(const double *theta, void *ctx) {
    gg_data *d = ctx;
    return -gg_loglik(d, exp(theta[0]), exp(theta[1]), exp(theta[2])) / d->total_w;
}

bool clv_fit_gamma_gamma(const clv_rfm *c, size_t n, clv_gamma_gamma *out) {
    memset(out, 0, sizeof *out);
    gg_data d;
    if ((out->error = gg_data_build(&d, c, n))) return false;
    out->customers = (size_t)d.total_w;
    out->distinct_rows = d.nrows;
    /* start: p = q = 1 and gamma of the order of the mean amount (gamma scales with the currency unit) */
    double mean_m = 0;
    for (size_t i = 0; i < d.nrows; i++) mean_m += d.rows[i].w * d.rows[i].mx / d.xs[d.rows[i].ix];
    mean_m /= d.total_w;
    double theta[3] = {0.0, 0.0, log(mean_m)};
    double best = minimise(gg_objective, &d, 3, theta, &out->evaluations);
    if (!isfinite(best)) {
        gg_data_free(&d);
        out->error = "the likelihood has no finite maximum for these amounts";
        return false;
    }
    out->p = exp(theta[0]);
    out->q = exp(theta[1]);
    out->gamma = exp(theta[2]);
    out->ll = gg_loglik(&d, out->p, out->q, out->gamma);
    gg_data_free(&d);
    for (int i = 0; i < 3; i++)
        if (fabs(theta[i]) > LOG_PARAM_LIMIT - 1.0) {
            out->error = "the fit ran to a parameter bound (the amounts do not identify the model)";
            return false;
        }
    return true;
}

double clv_gamma_gamma_loglik(const clv_gamma_gamma *g, const clv_rfm *c, size_t n) {
    if (!(g->p > 0 && g->q > 0 && g->gamma > 0)) return NAN;
    gg_data d;
    if (gg_data_build(&d, c, n)) return NAN;
    double ll = gg_loglik(&d, g->p, g->q, g->gamma);
    gg_data_free(&d);
    return ll;
}

/* ---- predictions ---- */

double clv_hyp2f1(double a, double b, double c, double z) {
    if (!(fabs(z) < 1.0)) return NAN;
    double term = 1.0, sum = 1.0;
    for (int k = 0; k < 2000000; k++) {
        double ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        term *= ratio;
        sum += term;
        if (term == 0.0) return sum; /* a or b a non-positive integer: a polynomial */
        if (!isfinite(sum)) return NAN;
        /* done once terms are negligible and shrinking from here on (the ratio tends to z) */
        double next = (a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2.0)) * z;
        if (fabs(term) <= 1e-17 * fabs(sum) && fabs(next) < 1.0) return sum;
    }
    return NAN;
}

/* log(a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)): P(alive) = 1 / (1 + e^this) for x > 0. */
static double dropout_log_odds(const clv_bgnbd *m, const clv_rfm *c) {
    return log(m->a) - log(m->b + c->x - 1.0) + (m->r + c->x) * (log(m->alpha + c->T) - log(m->alpha + c->t_x));
}

double clv_bgnbd_p_alive(const clv_bgnbd *m, const clv_rfm *c) {
    if (c->x <= 0) return 1.0;
    return exp(-softplus(dropout_log_odds(m, c)));
}

/* E[Y(t) | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10):
 *   (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)] * P(alive),  z = t/(alpha+T+t)
 * with Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) the bracket becomes
 *   1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)
 * whose series has small parameters whatever x, so it neither overflows nor needs thousands of terms. */
static double expected_at(double r, double alpha, double a, double b, double x, double T, double t) {
    double z = t / (alpha + T + t);
    double f = clv_hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z);
    double scale = (a + b + x - 1.0) / (a - 1.0);
    if (!(f > 0)) return scale * (1.0 - pow(1.0 - z, a - 1.0) * f); /* NAN stays NAN */
    return scale * -expm1((a - 1.0) * log1p(-z) + log(f));
}

static double expected_purchases(const clv_bgnbd *m, double x, double T, double t) {
    if (!(t > 0)) return 0.0;
    /* a = 1 is a removable singularity: take the mean of both sides */
    if (fabs(m->a - 1.0) < 1e-6)
        return 0.5 * (expected_at(m->r, m->alpha, 1.0 + 1e-6, m->b, x, T, t) +
                      expected_at(m->r, m->alpha, 1.0 - 1e-6, m->b, x, T, t));
    return expected_at(m->r, m->alpha, m->a, m->b, x, T, t);
}

double clv_bgnbd_expected_purchases(const clv_bgnbd *m, const clv_rfm *c, double t) {
    return expected_purchases(m, c->x, c->T, t) * clv_bgnbd_p_alive(m, c);
}

double clv_bgnbd_expected_purchases_new(const clv_bgnbd *m, double t) { return expected_purchases(m, 0.0, 0.0, t); }

/* E[M | x, m] = (p gamma + p x m) / (p x + q - 1): the population mean p gamma/(q-1) and the customer's own
 * mean, weighted by how many purchases the customer has shown. */
double clv_gamma_gamma_expected_spend(const clv_gamma_gamma *g, const clv_rfm *c) {
    double x = c->x > 0 && c->mean_amount > 0 ? c->x : 0.0;
    double denominator = g->p * x + g->q - 1.0;
    if (!(denominator > 0)) return NAN;
    return (g->p * g->gamma + g->p * x * (x > 0 ? c->mean_amount : 0.0)) / denominator;
}

int64_t clv_expected_value_fen(const clv_bgnbd *m, const clv_gamma_gamma *g, const clv_rfm *c, double t) {
    double v = clv_bgnbd_expected_purchases(m, c, t) * clv_gamma_gamma_expected_spend(g, c) * 100.0;
    return isfinite(v) && fabs(v) < 9e18 ? llround(v) : 0;
}
