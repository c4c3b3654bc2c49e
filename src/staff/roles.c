/* Roles and permissions: one table says what each role may do. */
#include "roles.h"
#include "../domain/ctx.h"
#include <stdio.h>
#include <string.h>

#define READ_ONLY (PERM_CUSTOMERS_READ | PERM_STAFF_READ | PERM_AUDIT_READ)

static const yt_role roles[] = {
    {"owner", PERM_ALL, false},
    {"admin", PERM_ALL, false},
    {"operator", PERM_CUSTOMERS_READ | PERM_CUSTOMERS_WRITE | PERM_TAGS_WRITE | PERM_TAGS_MANAGE |
                     PERM_EVENTS_WRITE | PERM_STAFF_READ | PERM_IMPORT_RUN, false},
    {"editor", PERM_CUSTOMERS_READ | PERM_TAGS_WRITE, false},
    {"guide", PERM_CUSTOMERS_READ | PERM_CUSTOMERS_WRITE | PERM_TAGS_WRITE | PERM_EVENTS_WRITE, true},
    {"service", PERM_CUSTOMERS_READ | PERM_CUSTOMERS_WRITE | PERM_TAGS_WRITE, false},
    {"analyst", READ_ONLY, false},
};

static const struct {
    const char *name;
    uint32_t bit;
} perms[] = {
    {"customers.read", PERM_CUSTOMERS_READ}, {"customers.write", PERM_CUSTOMERS_WRITE},
    {"pii.read", PERM_PII_READ},             {"tags.write", PERM_TAGS_WRITE},
    {"events.write", PERM_EVENTS_WRITE},     {"staff.read", PERM_STAFF_READ},
    {"staff.write", PERM_STAFF_WRITE},       {"audit.read", PERM_AUDIT_READ},
    {"tokens.write", PERM_TOKENS_WRITE},     {"import.run", PERM_IMPORT_RUN},
    {"stores.write", PERM_STORES_WRITE},     {"tags.manage", PERM_TAGS_MANAGE},
};

const yt_role *role_find(const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0) return &roles[i];
    return NULL;
}

uint32_t perm_bit(const char *name) {
    for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++)
        if (strcmp(perms[i].name, name) == 0) return perms[i].bit;
    return 0;
}

const char *perm_name(uint32_t bit) {
    for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++)
        if (perms[i].bit == bit) return perms[i].name;
    return NULL;
}

void perms_write_json(yt_jw *w, uint32_t set) {
    jw_arr(w);
    for (size_t i = 0; i < sizeof perms / sizeof perms[0]; i++)
        if (set & perms[i].bit) jw_str(w, perms[i].name);
    jw_arr_end(w);
}

bool perms_parse_csv(const char *csv, uint32_t *out, char *bad, size_t badsz) {
    *out = 0;
    char name[64];
    const char *p = csv;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > 0) {
            if (n >= sizeof name) n = sizeof name - 1;
            memcpy(name, p, n);
            name[n] = '\0';
            uint32_t b = perm_bit(name);
            if (!b) {
                snprintf(bad, badsz, "%s", name);
                return false;
            }
            *out |= b;
        }
        if (!e) break;
        p = e + 1;
    }
    return true;
}
