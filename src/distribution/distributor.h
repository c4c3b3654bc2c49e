/* Distributors (分销员) and the customers bound to them. A distributor is a customer: by application and a staff
 * member's approval, or at once by the brand's rule (paid spend, or a tag). Each has an unguessable share code;
 * a member who arrives through it is bound to that distributor (first or last touch, for the binding period).
 * Nobody is bound to themselves, and no binding ever closes a loop (A -> B -> A). */
#ifndef YT_DISTRIBUTOR_H
#define YT_DISTRIBUTOR_H
#include "settings.h"
#include "../base/json.h"
#include "../domain/ctx.h"
#include <stdbool.h>
#include <stdint.h>

#define DISTRIBUTOR_CODE_LEN 16 /* characters of a share code: 80 random bits */
#define DISTRIBUTION_BIND_LOCK 0x79745F64697374LL /* the store's lock for bindings, so two binds never close a loop */

/* ---- apart from the store ---- */

/* A new share code from the CSPRNG into out (DISTRIBUTOR_CODE_LEN characters and a NUL): lower-case letters and
 * digits without the look-alikes 0, 1, l and o. */
void distributor_code_new(char out[DISTRIBUTOR_CODE_LEN + 1]);
/* A name as other members see it: its first character and two stars ("张**"); an empty name is "**". */
void distributor_mask_name(const char *name, char *out, size_t outsz);

/* ---- distributors ---- */

/* A live customer asks to become a distributor (application: their words, up to 200 characters, may be NULL).
 * Meeting the brand's rule makes them one at once (source "rule"), else the application waits for review.
 * 409 on "status" when they are one already or their application is pending, and for a disabled distributor;
 * a rejected one may apply again. 409 on "distribution" when distribution is off. *status: what they are now. */
int distributor_apply(yt_ctx *x, int64_t customer, const char *application, const char **status);
/* Staff decisions, audited: approve (pending, rejected or disabled -> active), reject (pending -> rejected, with
 * a reason), disable (active -> disabled, with a reason). 404 when the customer is no distributor; 409 on "status"
 * from another state. */
int distributor_approve(yt_ctx *x, int64_t customer);
int distributor_reject(yt_ctx *x, int64_t customer, const char *reason);
int distributor_disable(yt_ctx *x, int64_t customer, const char *reason);
/* Inside the caller's transaction: makes a live customer who meets the rule (and is no distributor yet) an active
 * distributor, source "rule". *made: whether it did. */
int distributor_by_rule(yt_ctx *x, const distribution_settings *s, int64_t customer, bool *made);
/* Whether the customer meets the brand's rule now. */
int distributor_rule_met(yt_ctx *x, const distribution_settings *s, int64_t customer, bool *met);

/* {customer_id, name, status, source, code, application, decision_note, decided_at, balance: {frozen, withdrawable,
 * owed, withdrawing, withdrawn}, members (live bindings), bound_to (their own distributor's id or null),
 * created_at, updated_at}; 404 when the customer is no distributor. */
int distributor_write_json(yt_ctx *x, yt_jw *w, int64_t customer);
/* A page of distributors, newest first; status NULL: all (else pending, active, rejected or disabled: 400). */
int distributor_list_json(yt_ctx *x, yt_jw *w, const char *status, int limit, int64_t cursor);
/* A page of the customers bound to the distributor now (live bindings), newest binding first:
 * {items: [{id, customer_id, name, bound_at, expires_at}], next_cursor}. 404 when the customer is no distributor. */
int distributor_members_json(yt_ctx *x, yt_jw *w, int64_t customer, int limit, int64_t cursor);

/* What a member sees of their distribution: settings that concern them, their distributor account (or null and
 * whether the rule lets them in), and who they are bound to (a masked name). */
int distribution_member_json(yt_ctx *x, yt_jw *w, int64_t customer);

/* ---- binding ---- */

typedef struct {
    const char *outcome;  /* "bound" (new), "replaced" (last touch: another distributor's share), "renewed" (the same
                           * distributor's share again: the period starts over), "kept" (first touch: the binding
                           * stays, while its distributor is active) */
    int64_t distributor;  /* who the member is bound to now */
    int64_t expires_at;   /* 0: never */
    char name[24];        /* their name as members see it (masked) */
} bind_result;

/* The member arrived through a share code. 404 on "code" for an unknown code or one of a distributor who is not
 * active; 409 on "code" for their own code and for one whose distributor is below them (a loop); 409 on
 * "distribution" when it is off; 400 on "code" when it is not a code at all. Audited. */
int distribution_bind(yt_ctx *x, int64_t customer, const char *code, bind_result *res);

#endif
