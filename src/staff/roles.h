/* Roles, and the permissions each holds (granted by the module entries). */
#ifndef YT_ROLES_H
#define YT_ROLES_H
#include "../base/json.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *name;
    uint32_t perms;
    bool own_customers_only;
} yt_role;

const yt_role *role_find(const char *name);
/* Permission bit for "customers.read" etc.; 0 when unknown. */
uint32_t perm_bit(const char *name);
const char *perm_name(uint32_t bit);
/* Writes the names of the set bits as a JSON array. */
void perms_write_json(yt_jw *w, uint32_t perms);
/* Parses "a,b,c" into bits; false (and *bad set) on an unknown name. */
bool perms_parse_csv(const char *csv, uint32_t *out, char *bad, size_t badsz);

#endif
