/* Customer events: typed, timestamped, idempotent by key; batches applied in one transaction. */
#ifndef YT_EVENT_H
#define YT_EVENT_H
#include "../base/json.h"
#include "../customer/identity.h"
#include "../domain/ctx.h"

#define EVENT_BATCH_MAX 10000

/* How an event names its customer: an id or any one (or more) identities. Strings borrowed. */
typedef struct {
    int64_t id;
    identity_values ids;
} customer_ref;

typedef struct {
    customer_ref who;
    const char *type;
    int64_t at;                   /* UTC ms */
    const char *properties_json;  /* a JSON object, already validated */
    const char *key;              /* idempotency key or NULL; unique per source (the sending staff member) */
    int index;                    /* position in the request, for error reports */
} event_in;

typedef struct {
    int index;
    char field[96];
    char message[160];
} event_error;

bool event_type_valid(const char *type);
/* Stores the events in one transaction. Items whose customer cannot be resolved are reported in
 * errors (caller-sized array of n) and skipped; the rest are stored or counted as duplicates.
 * Returns YT_OK or an error for the whole batch (nothing stored). */
int event_ingest(yt_ctx *x, const event_in *items, int n, int *accepted, int *duplicates, event_error *errors,
                 int *nerrors);
int event_timeline_json(yt_ctx *x, yt_jw *w, int64_t customer_id, int limit, const char *cursor);
/* Resolves (or creates, when create is set) the customer for a reference; *created (when not NULL) says whether
 * it was created. 0 with x->err when impossible. */
int64_t event_resolve_customer(yt_ctx *x, const customer_ref *ref, bool create, bool *created);

#endif
