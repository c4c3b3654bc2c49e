/* Customer identities: validated, unique per kind, phone and email sealed with a blind index. */
#include "identity.h"
#include "../base/alloc.h"
#include "../base/crypto.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { V_PHONE, V_TOKEN, V_EMAIL, V_BUYER } validator;

static const struct {
    const char *kind;
    validator v;
    bool sealed; /* PII: stored encrypted, looked up by blind index */
} kinds[] = { /* the person kinds first, in the order of their ID_ indexes; then platform buyer ids */
    [ID_PHONE] = {"phone", V_PHONE, true},
    [ID_EMAIL] = {"email", V_EMAIL, true},
    [ID_UNIONID] = {"unionid", V_TOKEN, false},
    [ID_OPENID] = {"openid", V_TOKEN, false},
    [ID_EXTERNAL_USERID] = {"external_userid", V_TOKEN, false},
    [ID_PERSON_KINDS] = {"buyer", V_BUYER, false},
};

const char *identity_kind_name(int k) { return k >= 0 && k < ID_PERSON_KINDS ? kinds[k].kind : NULL; }

int identity_person_kind(const char *name) {
    for (int k = 0; k < ID_PERSON_KINDS; k++)
        if (strcmp(kinds[k].kind, name) == 0) return k;
    return -1;
}

unsigned identity_values_personal(const identity_values *v) {
    unsigned n = 0;
    for (int k = 0; k < ID_PERSON_KINDS; k++) n += v->v[k] && kinds[k].sealed;
    return n;
}

static int kind_index(const char *kind) {
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, kind) == 0) return (int)i;
    return -1;
}

bool identity_kind_valid(const char *kind) { return kind_index(kind) >= 0; }

bool platform_valid(const char *platform) {
    size_t n = platform ? strlen(platform) : 0;
    if (n < 1 || n > 32) return false;
    for (const char *p = platform; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
    return true;
}

static bool token_chars(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n < 1 || n > max) return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.' || *s == '@')) return false;
    return true;
}

/* An address of visible characters (no spaces, controls or quoting), a local part of at most 64 bytes
 * and a domain of dot-separated labels, one dot at least: "\n@\n" and "a@b" are not addresses. */
static bool email_chars(const char *v) {
    const char *at = strchr(v, '@');
    if (at - v > 64) return false;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || strchr("\"(),:;<>[\\]", *p)) return false;
    const char *d = at + 1;
    if (*d == '.' || d[strlen(d) - 1] == '.' || strstr(d, "..") || !strchr(d, '.') || *v == '.' || at[-1] == '.')
        return false;
    return text_unreadable(v) == NULL;
}

int identity_prepare(yt_ctx *x, const char *field, const char *kind, const char *platform, const char *value,
                     char *lookup, size_t lookupsz, char *norm, size_t normsz) {
    int k = kind_index(kind);
    if (k < 0) return yt_fail(x, YT_EINVAL, "kind", "unknown identity kind '%s'", kind);
    if (!value) return yt_fail(x, YT_EINVAL, field, "is required");
    switch (kinds[k].v) {
    case V_PHONE:
        if (!phone_normalize(value, norm, normsz)) return yt_fail(x, YT_EINVAL, field, "is not a valid phone number");
        break;
    case V_EMAIL: {
        size_t n = strlen(value);
        const char *at = strchr(value, '@');
        if (n < 3 || n >= normsz || n > 254 || !at || at == value || !at[1] || strchr(at + 1, '@') || !email_chars(value))
            return yt_fail(x, YT_EINVAL, field, "is not a valid email address");
        for (size_t i = 0; i <= n; i++) norm[i] = (char)tolower((unsigned char)value[i]);
        break;
    }
    case V_TOKEN:
        if (!token_chars(value, 128) || strlen(value) >= normsz)
            return yt_fail(x, YT_EINVAL, field, "must be 1 to 128 letters, digits or _-.@");
        snprintf(norm, normsz, "%s", value);
        break;
    case V_BUYER:
        if (!platform_valid(platform))
            return yt_fail(x, YT_EINVAL, "platform",
                           "a buyer id needs its platform (tmall, jd, douyin, ...): 1 to 32 of a-z, 0-9 and _");
        if (utf8_chars(value) < 1 || strlen(value) > 128 || strlen(value) >= normsz)
            return yt_fail(x, YT_EINVAL, field, "must be 1 to 128 bytes");
        snprintf(norm, normsz, "%s", value);
        break;
    }
    if (kinds[k].sealed) crypto_blind_index(kind, norm, lookup);
    else snprintf(lookup, lookupsz, "%s", norm);
    return YT_OK;
}

int64_t identity_holder(yt_db *db, const char *kind, const char *platform, const char *lookup) {
    yt_param p[] = {PT(kind), PT(platform ? platform : ""), PT(lookup)};
    return db_query_int(db, "SELECT customer_id FROM identities WHERE kind = ? AND platform = ? AND lookup = ?", 3, p, 0);
}

int64_t identity_find(yt_db *db, const char *kind, const char *platform, const char *value) {
    yt_ctx tmp = {.db = db, .who = yt_system_actor()};
    char lookup[200], norm[200];
    const char *plat = kind && strcmp(kind, "buyer") == 0 ? platform : "";
    if (identity_prepare(&tmp, "value", kind, plat, value, lookup, sizeof lookup, norm, sizeof norm) != YT_OK) return 0;
    yt_param p[] = {PT(kind), PT(plat ? plat : ""), PT(lookup)};
    return db_query_int(db, "SELECT customer_id FROM identities WHERE kind = ? AND platform = ? AND lookup = ?", 3, p, 0);
}

int identity_insert(yt_ctx *x, int64_t customer_id, const char *field, const char *kind, const char *platform,
                    const char *lookup, const char *norm) {
    int k = kind_index(kind);
    char *sealed = k >= 0 && kinds[k].sealed ? crypto_pii_seal(norm) : NULL;
    yt_param p[] = {PI(customer_id), PT(kind), PT(platform ? platform : ""), PT(lookup), PT(sealed), PI(now_ms())};
    int64_t rc = db_exec(x->db,
                         "INSERT INTO identities(customer_id, kind, platform, lookup, sealed, created_at) VALUES(?,?,?,?,?,?)",
                         NPARAMS(p), p);
    free(sealed);
    if (rc < 0) {
        if (db_unique_violation(x->db)) return yt_fail(x, YT_ECONFLICT, field, "this %s already belongs to another customer", kind);
        return yt_fail_db(x, "adding an identity");
    }
    return YT_OK;
}

int identity_add(yt_ctx *x, int64_t customer_id, const char *field, const char *kind, const char *platform,
                 const char *value) {
    char lookup[200], norm[200];
    const char *plat = strcmp(kind, "buyer") == 0 ? platform : "";
    if (identity_prepare(x, field, kind, plat, value, lookup, sizeof lookup, norm, sizeof norm)) return x->err.code;
    yt_param q[] = {PT(kind), PT(plat ? plat : ""), PT(lookup)};
    int64_t holder = db_query_int(x->db, "SELECT customer_id FROM identities WHERE kind = ? AND platform = ? AND lookup = ?",
                                  3, q, 0);
    if (holder == customer_id) return YT_OK;
    if (holder) return yt_fail(x, YT_ECONFLICT, field, "this %s already belongs to another customer", kind);
    return identity_insert(x, customer_id, field, kind, plat, lookup, norm);
}

static void mask_email(const char *e, char *out, size_t outsz) {
    const char *at = strchr(e, '@');
    if (!at) { snprintf(out, outsz, "***"); return; }
    snprintf(out, outsz, "%c***%s", e[0], at);
}

void identity_write_row(yt_ctx *x, yt_jw *w, yt_rows *r, int col, bool unmask, const char **phone_out) {
    const char *kind = rows_text(r, col);
    int k = kind_index(kind);
    char shown[256];
    if (k >= 0 && kinds[k].sealed) {
        char *plain = crypto_pii_open(rows_text(r, col + 3));
        if (!plain) snprintf(shown, sizeof shown, "***");
        else if (unmask) snprintf(shown, sizeof shown, "%s", plain);
        else if (kinds[k].v == V_PHONE) phone_mask(plain, shown, sizeof shown);
        else mask_email(plain, shown, sizeof shown);
        free(plain);
    } else {
        snprintf(shown, sizeof shown, "%s", rows_text(r, col + 2));
    }
    jw_obj(w);
    jw_kstr(w, "kind", kind);
    jw_kstr(w, "platform", rows_text(r, col + 1));
    jw_kstr(w, "value", shown);
    jw_obj_end(w);
    if (k >= 0 && kinds[k].v == V_PHONE && !*phone_out) *phone_out = arena_strdup(x->arena, shown);
}

int identity_write_json(yt_ctx *x, yt_jw *w, int64_t customer_id, bool unmask, const char **phone_out) {
    yt_param p[] = {PI(customer_id)};
    yt_rows *r = db_query(x->db, "SELECT " IDENTITY_COLS " FROM identities WHERE customer_id = ? ORDER BY id", 1, p);
    if (!r) return yt_fail_db(x, "reading identities");
    jw_arr(w);
    *phone_out = NULL;
    while (rows_next(r)) identity_write_row(x, w, r, 0, unmask, phone_out);
    jw_arr_end(w);
    rows_free(r);
    return YT_OK;
}
