/* Roles, and the permissions each holds (granted by the module entries). */
#include "roles.h"
#include "../domain/ctx.h"
#include "../modules.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Owner and admin hold every permission; the others hold what the module entries grant them (module.h). */
static yt_role roles[] = {
    {"owner", 0, false}, {"admin", 0, false},   {"operator", 0, false}, {"editor", 0, false},
    {"guide", 0, true},  {"service", 0, false}, {"analyst", 0, false},
};
static pthread_once_t roles_once = PTHREAD_ONCE_INIT;

/* true when the comma-separated list names role */
static bool names(const char *list, const char *role) {
    size_t n = strlen(role);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, role, n) == 0) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

static void grant(void) {
    int n;
    const yt_perm *perms = modules_perms(&n);
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        bool all = strcmp(roles[r].name, "owner") == 0 || strcmp(roles[r].name, "admin") == 0;
        for (int i = 0; i < n; i++)
            if (all || names(perms[i].roles, roles[r].name)) roles[r].perms |= perms[i].bit;
    }
}

const yt_role *role_find(const char *name) {
    if (!name) return NULL;
    pthread_once(&roles_once, grant);
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0) return &roles[i];
    return NULL;
}

uint32_t perm_bit(const char *name) {
    int n;
    const yt_perm *perms = modules_perms(&n);
    for (int i = 0; i < n; i++)
        if (strcmp(perms[i].name, name) == 0) return perms[i].bit;
    return 0;
}

const char *perm_name(uint32_t bit) {
    int n;
    const yt_perm *perms = modules_perms(&n);
    for (int i = 0; i < n; i++)
        if (perms[i].bit == bit) return perms[i].name;
    return NULL;
}

void perms_write_json(yt_jw *w, uint32_t set) {
    int n;
    const yt_perm *perms = modules_perms(&n);
    jw_arr(w);
    for (int i = 0; i < n; i++)
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
