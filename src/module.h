/* A domain module's entry: its migrations, customer-keyed tables, permissions and routes, in one place. */
#ifndef YT_MODULE_H
#define YT_MODULE_H
#include "api/api.h"
#include "customer/keyed.h"
#include "store/store.h"
#include <stdint.h>

/* A permission a module brings: its name in tokens and the API, its bit (domain/ctx.h), and the roles
 * besides owner and admin (who hold every permission) that have it, comma-separated. */
typedef struct {
    const char *name;
    uint32_t bit;
    const char *roles;
} yt_perm;

/* Adding a module: write src/<module>/entry.c defining one yt_module (its lists may be NULL with count
 * 0) and name it in modules.c. Migration versions are one sequence over all modules; a new one takes
 * the next number. tests/unit/test_modules.c checks the lists fit together. */
typedef struct {
    const char *name;
    const yt_migration *migrations;
    int nmigrations;
    const customer_keyed *keyed;
    int nkeyed;
    const yt_perm *perms;
    int nperms;
    const yt_route *routes;
    int nroutes;
} yt_module;

#define YT_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define YT_LIST(a) a, YT_COUNT(a)

#endif
