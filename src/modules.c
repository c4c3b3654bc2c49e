/* The registry: every module's entry named once, and the flat lists the router, migrations, merge and
 * erasure and roles read. */
#include "modules.h"
#include "base/alloc.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const yt_module foundation_module, ops_module, staff_module, shop_module, customer_module, tag_module,
    event_module, order_module, importer_module, analytics_module, changes_module, audience_module, commerce_module,
    loyalty_module, member_module, marketing_module, groupbuy_module, distribution_module;

const yt_module *const yt_modules[] = {
    &foundation_module, &ops_module,   &staff_module,    &shop_module,      &customer_module, &tag_module,
    &event_module,      &order_module, &importer_module, &analytics_module, &changes_module,  &audience_module,
    &commerce_module,  &loyalty_module,  &member_module, &marketing_module, &groupbuy_module, &distribution_module,
};
const int yt_nmodules = YT_COUNT(yt_modules);

static struct {
    pthread_once_t once;
    yt_route *routes;
    yt_migration *migrations;
    customer_keyed *keyed;
    yt_perm *perms;
    int nroutes, nmigrations, nkeyed, nperms;
    uint32_t perm_all;
} reg = {.once = PTHREAD_ONCE_INIT};

/* Copies every module's `list` (of `count` rows) into one array, in module order. */
#define GATHER(list, count, out, total)                                                                    \
    do {                                                                                                   \
        total = 0;                                                                                         \
        for (int i_ = 0; i_ < yt_nmodules; i_++) total += yt_modules[i_]->count;                           \
        out = yt_calloc(total ? (size_t)total : 1, sizeof *out);                                            \
        for (int i_ = 0, at_ = 0; i_ < yt_nmodules; at_ += yt_modules[i_]->count, i_++)                    \
            if (yt_modules[i_]->count > 0)                                                                 \
                memcpy(out + at_, yt_modules[i_]->list, (size_t)yt_modules[i_]->count * sizeof *out);      \
    } while (0)

static int by_version(const void *a, const void *b) {
    return ((const yt_migration *)a)->version - ((const yt_migration *)b)->version;
}

static void flatten(void) {
    GATHER(routes, nroutes, reg.routes, reg.nroutes);
    GATHER(migrations, nmigrations, reg.migrations, reg.nmigrations);
    qsort(reg.migrations, (size_t)reg.nmigrations, sizeof *reg.migrations, by_version);
    GATHER(keyed, nkeyed, reg.keyed, reg.nkeyed);
    GATHER(perms, nperms, reg.perms, reg.nperms);
    for (int i = 0; i < reg.nperms; i++) reg.perm_all |= reg.perms[i].bit;
}

const yt_route *modules_routes(int *n) {
    pthread_once(&reg.once, flatten);
    *n = reg.nroutes;
    return reg.routes;
}

const yt_migration *modules_migrations(int *n) {
    pthread_once(&reg.once, flatten);
    *n = reg.nmigrations;
    return reg.migrations;
}

const customer_keyed *modules_keyed(int *n) {
    pthread_once(&reg.once, flatten);
    *n = reg.nkeyed;
    return reg.keyed;
}

const yt_perm *modules_perms(int *n) {
    pthread_once(&reg.once, flatten);
    *n = reg.nperms;
    return reg.perms;
}

uint32_t modules_perm_all(void) {
    pthread_once(&reg.once, flatten);
    return reg.perm_all;
}
