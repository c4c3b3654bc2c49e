/* Customer lifetime value: BG/NBD (repeat purchases, P(alive)) and Gamma-Gamma (spend), fitted by maximum likelihood. */
#ifndef YT_CLV_H
#define YT_CLV_H
#include "../store/store.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The time unit of t_x and T (and of the prediction horizon). */
typedef enum { CLV_DAY, CLV_WEEK } clv_unit;

/* One customer's history up to the cut-off, in the models' terms. Purchases on one calendar day are one
 * purchase (their amounts summed); the first purchase day is not a repeat. */
typedef struct {
    int64_t customer_id;
    double x;           /* repeat purchase days on or before the cut-off */
    double t_x;         /* first purchase to the last repeat purchase (0 when x = 0), in units */
    double T;           /* first purchase to the cut-off day, in units */
    double mean_amount; /* mean amount of the repeat purchase days in currency units (fen / 100); 0 when x = 0 */
} clv_rfm;

/* Builds clv_rfm rows from purchases given in order: customers by ascending id, each customer's purchases by
 * day. Purchases after the cut-off day are ignored; a customer whose first purchase is after it has no row. */
typedef struct {
    int32_t cutoff_day;
    clv_unit unit;
    clv_rfm *rows;
    size_t n, cap;
    const char *error; /* why an add failed (input out of order); NULL while all is well */
    /* the customer being read */
    bool open;
    int64_t id, day_fen, repeat_fen, repeat_days;
    int32_t first_day, day, last_repeat_day;
} clv_summary;

void clv_summary_init(clv_summary *s, int32_t cutoff_day, clv_unit unit);
/* One purchase; day is a calendar day number (days since 1970-01-01). False (s->error) when out of order. */
bool clv_summary_add(clv_summary *s, int64_t customer_id, int32_t day, int64_t amount_fen);
/* Closes the last customer; s->rows[0..s->n) are then complete. False when an add had failed. */
bool clv_summary_finish(clv_summary *s);
void clv_summary_free(clv_summary *s);

/* BG/NBD (Fader, Hardie & Lee 2005): purchases while alive are Poisson(lambda), lambda ~ Gamma(r, alpha);
 * after each purchase the customer drops out with probability p, p ~ Beta(a, b). */
typedef struct {
    double r, alpha, a, b;
    double ll;                 /* log-likelihood at the fit */
    int evaluations;           /* likelihood evaluations the optimiser used */
    size_t customers, repeat_customers;
    size_t distinct_rows;      /* distinct (x, t_x, T) the likelihood was summed over */
    const char *error;         /* why the fit failed; NULL on success */
} clv_bgnbd;

/* Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): a customer's purchase amounts are Gamma(p, nu),
 * nu ~ Gamma(q, gamma); fitted on the mean repeat amount of customers with x > 0 and a positive mean. */
typedef struct {
    double p, q, gamma;
    double ll;
    int evaluations;
    size_t customers;
    size_t distinct_rows; /* distinct (x, mean amount) */
    const char *error;
} clv_gamma_gamma;

/* Maximum likelihood over the customers (identical (x, t_x, T) rows are fitted once, weighted). False with
 * out->error for no customers, invalid rows, no repeat purchases at all, or no convergence. */
bool clv_fit_bgnbd(const clv_rfm *c, size_t n, clv_bgnbd *out);
bool clv_fit_gamma_gamma(const clv_rfm *c, size_t n, clv_gamma_gamma *out);
/* The log-likelihoods at given parameters (m->r..b, g->p..gamma); NAN for invalid rows or parameters. */
double clv_bgnbd_loglik(const clv_bgnbd *m, const clv_rfm *c, size_t n);
double clv_gamma_gamma_loglik(const clv_gamma_gamma *g, const clv_rfm *c, size_t n);

/* P(the customer is still alive at the cut-off); 1 for a customer without repeat purchases. */
double clv_bgnbd_p_alive(const clv_bgnbd *m, const clv_rfm *c);
/* Expected purchases in the next t units after the cut-off, given the customer's history. NAN if the
 * hypergeometric series does not converge (t many thousand times alpha + T). */
double clv_bgnbd_expected_purchases(const clv_bgnbd *m, const clv_rfm *c, double t);
/* Expected repeat purchases in the first t units of a new customer's life. */
double clv_bgnbd_expected_purchases_new(const clv_bgnbd *m, double t);
/* Expected amount per future purchase (currency units), given the customer's repeat purchases; NAN when
 * the model has no finite mean (q <= 1 and x = 0). */
double clv_gamma_gamma_expected_spend(const clv_gamma_gamma *g, const clv_rfm *c);
/* Expected purchases in the next t units times the expected spend, in fen (rounded); 0 when undefined. */
int64_t clv_expected_value_fen(const clv_bgnbd *m, const clv_gamma_gamma *g, const clv_rfm *c, double t);
/* Gauss hypergeometric 2F1(a, b; c; z) for |z| < 1 by its series; NAN when it does not converge. */
double clv_hyp2f1(double a, double b, double c, double z);

/* Summarises the paid orders of every customer up to the end of cutoff_day (Shanghai) into s, which it
 * initialises (clv_summary_free it in any case). False with err on a store error. */
bool clv_load_orders(yt_db *db, int32_t cutoff_day, clv_unit unit, clv_summary *s, char *err, size_t errsz);

#endif
