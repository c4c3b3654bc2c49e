/* Benchmark: CLV summaries and fits on the CDNOW master file and on 1M synthetic BG/NBD + Gamma-Gamma customers. */
#include "audience/clv.h"
#include "base/alloc.h"
#include "base/text.h"
#include "base/timeutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parameters the synthetic customers are drawn from: the CDNOW sample's fit (weeks). */
#define TRUE_R 0.243
#define TRUE_ALPHA_WEEKS 4.414
#define TRUE_A 0.793
#define TRUE_B 2.426
#define TRUE_P 6.25
#define TRUE_Q 3.74
#define TRUE_GAMMA 15.44
#define SYNTHETIC_CUSTOMERS 1000000
#define COHORT_DAYS 90   /* first purchases spread over a quarter, like the CDNOW cohort */
#define CUTOFF_DAY 272   /* 39 weeks after the first day */

typedef struct {
    int64_t id, fen;
    int32_t day;
} purchase;

typedef struct {
    purchase *rows;
    size_t n, cap;
} purchases;

static void push(purchases *p, int64_t id, int32_t day, int64_t fen) {
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 1 << 20;
        p->rows = yt_realloc(p->rows, p->cap * sizeof *p->rows);
    }
    p->rows[p->n++] = (purchase){id, fen, day};
}

/* splitmix64: a fixed seed makes every run draw the same customers */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static double uniform(void) { /* (0, 1) */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void) { return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform()); }

/* Gamma(shape, rate) by Marsaglia and Tsang; shapes below 1 boosted by U^(1/shape). */
static double gamma_draw(double shape, double rate) {
    if (shape < 1.0) return gamma_draw(shape + 1.0, rate) * pow(uniform(), 1.0 / shape);
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = normal(), v = 1.0 + c * x;
        if (v <= 0) continue;
        v = v * v * v;
        double u = uniform();
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v)) return d * v / rate;
    }
}

static double beta_draw(double a, double b) {
    double x = gamma_draw(a, 1.0);
    return x / (x + gamma_draw(b, 1.0));
}

/* BG/NBD: Poisson purchases at rate lambda ~ Gamma(r, alpha) per day while alive; after each repeat purchase the
 * customer leaves with probability p ~ Beta(a, b). Amounts: Gamma(p, nu) with nu ~ Gamma(q, gamma). */
static void generate(purchases *out, size_t customers) {
    double alpha_days = TRUE_ALPHA_WEEKS * 7.0;
    for (size_t i = 0; i < customers; i++) {
        int64_t id = (int64_t)i + 1;
        double lambda = gamma_draw(TRUE_R, alpha_days), dropout = beta_draw(TRUE_A, TRUE_B);
        double nu = gamma_draw(TRUE_Q, TRUE_GAMMA);
        double t = floor(uniform() * COHORT_DAYS) + uniform();
        for (int k = 0;; k++) {
            int64_t fen = llround(gamma_draw(TRUE_P, nu) * 100.0);
            push(out, id, (int32_t)t, fen > 0 ? fen : 1);
            if (k > 0 && uniform() < dropout) break;
            t += -log(uniform()) / lambda;
            if (t >= CUTOFF_DAY + 1) break;
        }
    }
}

static double seconds_since(uint64_t t0) { return (double)(mono_ns() - t0) / 1e9; }

static int by_customer_then_day(const void *pa, const void *pb) {
    const purchase *a = pa, *b = pb;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    return (a->day > b->day) - (a->day < b->day);
}

/* data/cdnow/master.csv: customer_ref,ordered_on,quantity,amount. */
static bool read_cdnow(const char *path, purchases *out) {
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[256];
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return false;
    }
    while (fgets(line, sizeof line, f)) {
        char *ref = strtok(line, ",\r\n"), *date = strtok(NULL, ",\r\n");
        strtok(NULL, ",\r\n");
        char *amount = strtok(NULL, ",\r\n");
        int64_t id, fen;
        int y, m, d;
        if (!ref || !date || !amount || !parse_i64(ref, &id) || !money_to_fen(amount, &fen) || !date_parse(date, &y, &m, &d))
            continue;
        push(out, id, (int32_t)days_from_civil(y, m, d), fen);
    }
    fclose(f);
    qsort(out->rows, out->n, sizeof *out->rows, by_customer_then_day);
    return true;
}

/* Summarises and fits; prints one JSON line. */
static int run(const char *name, const purchases *p, int32_t cutoff_day, double prepare_seconds) {
    uint64_t t0 = mono_ns();
    clv_summary s;
    clv_summary_init(&s, cutoff_day, CLV_WEEK);
    for (size_t i = 0; i < p->n; i++) clv_summary_add(&s, p->rows[i].id, p->rows[i].day, p->rows[i].fen);
    if (!clv_summary_finish(&s)) {
        fprintf(stderr, "%s: %s\n", name, s.error);
        return 1;
    }
    double t_summary = seconds_since(t0);
    uint64_t t1 = mono_ns();
    clv_bgnbd m;
    bool ok = clv_fit_bgnbd(s.rows, s.n, &m);
    double t_bgnbd = seconds_since(t1);
    uint64_t t2 = mono_ns();
    clv_gamma_gamma g;
    ok = clv_fit_gamma_gamma(s.rows, s.n, &g) && ok;
    double t_gg = seconds_since(t2);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", name, m.error ? m.error : g.error);
        return 1;
    }
    printf("{\"bench\":\"%s\",\"purchases\":%zu,\"customers\":%zu,\"repeat_customers\":%zu,\"prepare_seconds\":%.3f,"
           "\"summary_seconds\":%.3f,\"bgnbd_rows\":%zu,\"bgnbd_seconds\":%.3f,\"bgnbd_evaluations\":%d,"
           "\"gamma_gamma_rows\":%zu,\"gamma_gamma_seconds\":%.3f,\"gamma_gamma_evaluations\":%d,\"summary_and_fit_seconds\":%.3f,"
           "\"bgnbd\":{\"r\":%.4f,\"alpha\":%.4f,\"a\":%.4f,\"b\":%.4f,\"ll\":%.2f},"
           "\"gamma_gamma\":{\"p\":%.4f,\"q\":%.4f,\"gamma\":%.4f,\"ll\":%.2f}}\n",
           name, p->n, s.n, m.repeat_customers, prepare_seconds, t_summary, m.distinct_rows, t_bgnbd, m.evaluations,
           g.distinct_rows, t_gg, g.evaluations,
           t_summary + t_bgnbd + t_gg, m.r, m.alpha, m.a, m.b, m.ll, g.p, g.q, g.gamma, g.ll);
    fflush(stdout);
    clv_summary_free(&s);
    return 0;
}

int main(int argc, char **argv) {
    size_t customers = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : SYNTHETIC_CUSTOMERS;
    int rc = 0;

    purchases cdnow = {0};
    uint64_t t0 = mono_ns();
    if (!read_cdnow(YT_SOURCE_DIR "/data/cdnow/master.csv", &cdnow)) {
        fprintf(stderr, "cannot read data/cdnow/master.csv\n");
        return 1;
    }
    rc |= run("clv_fit_cdnow_master", &cdnow, (int32_t)days_from_civil(1997, 9, 30), seconds_since(t0));
    free(cdnow.rows);

    purchases synthetic = {0};
    t0 = mono_ns();
    generate(&synthetic, customers);
    /* day 0 of the synthetic cohort is 1997-01-01, so both runs count days alike */
    int32_t day0 = (int32_t)days_from_civil(1997, 1, 1);
    for (size_t i = 0; i < synthetic.n; i++) synthetic.rows[i].day += day0;
    printf("{\"bench\":\"clv_synthetic_truth\",\"customers\":%zu,\"bgnbd\":{\"r\":%.4f,\"alpha\":%.4f,\"a\":%.4f,"
           "\"b\":%.4f},\"gamma_gamma\":{\"p\":%.4f,\"q\":%.4f,\"gamma\":%.4f}}\n",
           customers, TRUE_R, TRUE_ALPHA_WEEKS, TRUE_A, TRUE_B, TRUE_P, TRUE_Q, TRUE_GAMMA);
    rc |= run("clv_fit_synthetic", &synthetic, day0 + CUTOFF_DAY, seconds_since(t0));
    free(synthetic.rows);
    return rc;
}
