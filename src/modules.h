/* The registry: every module's entry, and the lists flattened from them that the layers walk. */
#ifndef YT_MODULES_H
#define YT_MODULES_H
#include "module.h"

extern const yt_module *const yt_modules[];
extern const int yt_nmodules;

/* Flattened once on first use (thread-safe), in module order; the arrays live for the process. */
const yt_route *modules_routes(int *n);
const yt_migration *modules_migrations(int *n); /* ascending version */
const customer_keyed *modules_keyed(int *n);
const yt_perm *modules_perms(int *n);
/* Every permission bit the modules bring, OR'd. */
uint32_t modules_perm_all(void);

#endif
