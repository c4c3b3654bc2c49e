/* Customer identities (phone, unionid, openid, external_userid, email, platform buyer ids): validated,
 * unique per kind, phone and email sealed with a blind index for exact lookup. */
#ifndef YT_IDENTITY_H
#define YT_IDENTITY_H
#include "../base/json.h"
#include "../domain/ctx.h"

/* Normalises and validates value for kind; on success writes the lookup key (plain value or blind
 * index) into lookup and the display value into norm. Returns YT_OK or YT_EINVAL with field set. */
int identity_prepare(yt_ctx *x, const char *field, const char *kind, const char *platform, const char *value,
                     char *lookup, size_t lookupsz, char *norm, size_t normsz);
/* The customer holding the identity, 0 when none (or invalid input). */
int64_t identity_find(yt_db *db, const char *kind, const char *platform, const char *value);
/* The customer holding an already prepared lookup key, 0 when none. */
int64_t identity_holder(yt_db *db, const char *kind, const char *platform, const char *lookup);
/* Inserts an identity already prepared by identity_prepare and known to be free. */
int identity_insert(yt_ctx *x, int64_t customer_id, const char *field, const char *kind, const char *platform,
                    const char *lookup, const char *norm);
/* Attaches an identity; YT_ECONFLICT when another customer holds it. Idempotent for the same customer. */
int identity_add(yt_ctx *x, int64_t customer_id, const char *field, const char *kind, const char *platform,
                 const char *value);
/* The columns identity_write_row reads, in order, from column col on. */
#define IDENTITY_COLS "kind, platform, lookup, sealed"
/* Writes one identity from a row holding IDENTITY_COLS at col; the first phone goes to *phone_out. */
void identity_write_row(yt_ctx *x, yt_jw *w, yt_rows *r, int col, bool unmask, const char **phone_out);
/* Writes the identities array; sealed values are masked unless unmask. *phone_out is the first phone as
 * shown, in x->arena (NULL when there is none). */
int identity_write_json(yt_ctx *x, yt_jw *w, int64_t customer_id, bool unmask, const char **phone_out);
bool identity_kind_valid(const char *kind);

/* A person's identities (platform buyer ids aside, which need a platform), listed once: these indexes
 * into identity_values, named by identity_kind_name. Phone and email are personal (sealed). */
enum { ID_PHONE, ID_EMAIL, ID_UNIONID, ID_OPENID, ID_EXTERNAL_USERID, ID_PERSON_KINDS };
typedef struct {
    const char *v[ID_PERSON_KINDS]; /* by kind; NULL: not given. Borrowed. */
} identity_values;
/* "phone", "email", "unionid", "openid", "external_userid" for k below ID_PERSON_KINDS. */
const char *identity_kind_name(int k);
/* The person kind named name, or -1. */
int identity_person_kind(const char *name);
/* How many of v are personal (phones and emails): what a masked role is charged for. */
unsigned identity_values_personal(const identity_values *v);
/* A platform name (tmall, jd, douyin, ...): 1 to 32 of a-z, 0-9 and _. */
bool platform_valid(const char *platform);

#endif
