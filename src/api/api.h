/* The API layer: request and response shapes, the route table type, helpers for handlers. */
#ifndef YT_API_H
#define YT_API_H
#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/json.h"
#include "../domain/ctx.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define API_BODY_LIMIT (1u << 20)       /* 1 MiB for JSON bodies */
#define API_UPLOAD_LIMIT (256u << 20)   /* 256 MiB for CSV imports, spooled to a temporary file */
#define API_EVENTS_LIMIT (16u << 20)    /* 16 MiB: a batch of 10,000 events */
#define API_MAX_PATH_PARAMS 4
#define API_MAX_QUERY 32

typedef struct yt_server yt_server; /* server-wide state (store, limits), owned by the http layer */

typedef struct {
    const char *key, *value;
} api_kv;

typedef struct yt_req yt_req;
typedef void (*api_handler)(yt_req *r);

enum {
    ROUTE_PUBLIC = 1u << 0,     /* no token needed */
    ROUTE_JSON = 1u << 1,       /* body must be a JSON object */
    ROUTE_UPLOAD = 1u << 2,     /* raw body spooled to a temporary file (body_file), read as a stream */
    /* Which connection: requests that write use the shared writer (SQLite), reads this thread's own.
     * A route can say otherwise: */
    ROUTE_READER = 1u << 4,     /* does slow work before writing (login: argon2id; events: validating a batch),
                                 * so it does not hold the writer; it writes briefly on its own connection or
                                 * takes the writer itself just for the write */
    ROUTE_WRITER = 1u << 5,     /* a GET that writes (exports record an audit entry) */
    ROUTE_MEMBER = 1u << 6,     /* a member's link token is admitted too, whatever perm says; the handler keeps
                                 * the member to their own customer id (api_member) */
    ROUTE_NO_DATA = 1u << 7,    /* the answer shows none of the store's data (health, metrics), so it never waits
                                 * for a sync of the store's log (and is still served when syncs have failed) */
};

typedef struct {
    const char *method;
    const char *pattern;   /* "/api/v1/customers/{id}" */
    api_handler fn;
    uint32_t perm;         /* required permission bits; 0 = any signed-in user */
    unsigned flags;
    const char *name;      /* label for the access log and error logs (metrics use the pattern) */
    size_t body_limit;     /* bytes; 0 = API_BODY_LIMIT */
} yt_route;

struct yt_req {
    /* in */
    yt_arena arena;
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    FILE *body_file;       /* ROUTE_UPLOAD: the spooled body, at its start (borrowed); NULL when empty */
    const char *content_type;
    const char *authorization;
    const char *idempotency_key; /* Idempotency-Key header of a write, or NULL */
    const char *signature;       /* X-Sandbox-Signature header (payment notifications), or NULL */
    /* any other request header by name (any case), or NULL when absent; set by the http layer (NULL: none) */
    const char *(*header)(yt_req *r, const char *name);
    api_kv query[API_MAX_QUERY];
    int nquery;
    const char *params[API_MAX_PATH_PARAMS];
    int nparams;
    const yt_route *route;
    const char *bad_input;  /* set by the http layer: a query or path value that is not UTF-8, or too many */
    const char *bad_field;  /* the field bad_input names ("path"; NULL: "query") */
    char client_ip[64];     /* the caller's address (through a trusted proxy, from X-Forwarded-For) */
    bool direct_loopback;   /* the caller is this machine, with no proxy between */
    bool admitted;          /* api_admit passed: token, permission and content type are checked */
    cJSON *json;           /* parsed body for ROUTE_JSON routes; owned and freed by api_dispatch */
    yt_store *store;
    yt_server *server;
    yt_actor who;
    yt_ctx x;
    int64_t about_customer; /* the customer this request concerns, set by customer handlers (0: none) */
    char request_id[24];
    /* A handler whose answer comes later from another thread calls api_defer before it returns; that thread
     * then writes the answer (api_json, api_problem) and calls api_resume once. resume is set by the http
     * layer. */
    bool deferred;
    /* set by a deferring handler when the other thread only leaves the outcome: run on the request's own
     * thread before the answer is sent, to write it (NULL: the answer is written already) */
    void (*finish)(yt_req *r);
    void *resume_slot; /* where the other thread leaves the outcome for finish (the handler's, in the arena) */
    void (*resume)(yt_req *r);
    void *resume_ctx;
    /* out */
    int status;
    yt_buf out;
    const char *out_type;
    char retry_after[16];
    char content_disposition[128];
};

/* The route table, gathered from the module entries (modules.h), and its size. */
const yt_route *api_route_table(void);
int api_route_count(void);

/* Finds the route for method and path; *method_mismatch tells 405 from 404. Fills r->params. */
const yt_route *api_match(const char *method, const char *path, const char **params, int *nparams, bool *method_mismatch);
/* Checks what can be checked before the body is read: the token, its rate limit, the route's
 * permission and the content type. False with the answer (401, 403, 415, 429) set when refused. */
bool api_admit(yt_req *r);
/* Runs the request: api_admit unless done, then body checks and the handler. Sets status and body. */
void api_dispatch(yt_req *r);
/* Parses r->body (a JSON object) into r->json within a memory budget of a small multiple of its size,
 * refusing duplicate keys; false with a 400 or 413 answered. */
bool api_parse_json_body(yt_req *r);

/* Problem responses (application/problem+json). field may be NULL. */
void api_problem(yt_req *r, int status, const char *field, const char *detail);
/* A problem about a place in a text (position: character offset, or -1) or in a JSON body (path, or NULL). */
void api_problem_at(yt_req *r, int status, const char *field, const char *detail, int position, const char *path);
/* What a problem may carry besides the field: a position (-1: none), a JSON path, a list of names. */
typedef struct {
    int position;
    const char *path;
    const char *slug;      /* the type's last part instead of the status's (sold-out); NULL: the status's */
    const char *code;      /* an extension member "code" (with "message": the detail), for callers that read
                            * those (WeChat Pay's retries expect {"code":"FAIL","message":...}); NULL: none */
    const char *list_key;
    const char *const *list;
    int nlist;
} problem_extra;
void api_problem_with(yt_req *r, int status, const char *field, const char *detail, const problem_extra *extra);
/* Reports the domain error in r->x.err. */
void api_fail(yt_req *r);

/* For a ROUTE_READER handler that checked (or asked elsewhere) without the writer and now records: r->x.db
 * becomes the store's writer, and the reader it was is returned for api_writer_give_back. NULL, r->x.db left
 * as it was, when the writer cannot be had (the caller answers that its own way). */
yt_db *api_writer_take(yt_req *r);
/* Releases the writer api_writer_take took; r->x.db is the reader again. */
void api_writer_give_back(yt_req *r, yt_db *reader);

/* The answer comes later (see yt_req.deferred). Only for routes whose handler runs on a worker thread. */
void api_defer(yt_req *r);
/* The deferred answer is written: send it. Called once, from any thread. */
void api_resume(yt_req *r);

/* Starts a JSON response with status; returns the writer to fill. */
yt_jw *api_json(yt_req *r, int status, yt_jw *w);

/* Callers without pii.read see phones and emails masked. Every phone or email they submit or look up
 * (n of them) is charged to a small per-person budget, so the hidden digits cannot be found by trying
 * them. False when the budget is spent (429 answered) or n alone is more than it (403). */
bool api_charge_pii(yt_req *r, const char *field, uint32_t n);

/* A request header by name (any case), or NULL when it is absent. Valid until the request ends. */
const char *api_header(yt_req *r, const char *name);

/* Query string and path helpers */
const char *api_query(yt_req *r, const char *key);
/* ?month=YYYY-MM, or this month (the brand's calendar) when absent; false after answering 400. */
bool api_month(yt_req *r, int *y, int *m);
/* A 409 whose problem type ends in the refusal the domain left in r->x.err.field (sold-out, limit-reached,
 * exhausted, ...), naming field; any other error answered as it is. */
void api_fail_refusal(yt_req *r, const char *field);
/* The customer a body's customer_id names for an order or a redemption, followed to the live record with
 * the caller's access (an erased one is a 409); a member acts only for themselves and may leave it out.
 * 0 after answering. */
int64_t api_acting_customer(yt_req *r, int64_t given, bool has_given);
/* The id a body's customer_id gives, as given (a member's own when they leave it out), for a domain that
 * follows and checks it itself in the transaction that writes (flash orders); 0 after answering 400. */
int64_t api_given_customer(yt_req *r, int64_t given, bool has_given);
/* The signed-in member's customer id (ROUTE_MEMBER routes); 0 after answering 403 when the caller is staff. */
int64_t api_member(yt_req *r);
/* The customer a /customers/{id}/... path names, followed through merges to the live record with the
 * caller's access applied (a write to an erased one is a 409); 0 after answering otherwise. */
int64_t api_path_customer(yt_req *r);
/* Parses a positive id path parameter; on failure answers 404 and returns 0. */
int64_t api_param_id(yt_req *r, int i);
/* limit (1..200, default 50); on failure answers 400 and returns false. */
bool api_limit(yt_req *r, int *limit);
/* limit and an integer cursor; on failure answers 400 and returns false. */
bool api_paging(yt_req *r, int *limit, int64_t *cursor);

/* Body field readers: return false and answer 400 naming the field when the type is wrong.
 * Absent fields leave *out untouched and return true; *present tells whether it was given. */
/* body_str hands back a pointer into r->json, valid until the request ends. */
bool body_str(yt_req *r, const cJSON *obj, const char *key, const char **out, bool required);
bool body_int(yt_req *r, const cJSON *obj, const char *key, int64_t *out, bool *present);
/* An ISO 8601 time member of the body (UTC ms); absent: untouched (a 400 when required). */
bool body_time(yt_req *r, const char *key, int64_t *ms, bool required);
/* A list of at most max ids (positive integers); absent or null: *n = 0. Errors name "key[i]". */
bool body_id_array(yt_req *r, const cJSON *obj, const char *key, int64_t *out, int *n, int max);
bool body_bool(yt_req *r, const cJSON *obj, const char *key, bool *out, bool *present);
/* True when v is a whole number from 1 to 2^53 (a JSON id); writes it to *out. Never casts out of range. */
bool json_id(const cJSON *v, int64_t *out);
/* Reads an array of strings into an arena-allocated array (max items). */
bool body_str_array(yt_req *r, const cJSON *obj, const char *key, const char ***out, int *n, int max);
/* Rejects members that are not in allowed (NULL-terminated), naming the first unknown one. */
bool body_only(yt_req *r, const cJSON *obj, const char *const *allowed);
/* body_only, also allowing the members for which also(key) is not negative (a list kept elsewhere). */
bool body_only_or(yt_req *r, const cJSON *obj, const char *const *allowed, int (*also)(const char *key));

#endif
