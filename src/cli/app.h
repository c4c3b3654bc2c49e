/* What every subcommand shares: flag parsing, opening the store with migrations and the data key. */
#ifndef YT_APP_H
#define YT_APP_H
#include "../domain/ctx.h"
#include "config.h"

typedef struct {
    const char *name;
    const char *usage;
    const char *summary;
    int (*run)(yt_config *cfg, int argc, char **argv); /* argv[0] is the subcommand */
} yt_command;

/* Flags common to every subcommand (--db, --listen, --config, --data-key-file); removes them from argv.
 * Returns false (message printed) on a bad flag. */
bool app_common_flags(yt_config *cfg, int *argc, char **argv);
/* Returns the value of --name VALUE or --name=VALUE and removes it from argv; NULL when absent. */
const char *app_flag(int *argc, char **argv, const char *name);
bool app_switch(int *argc, char **argv, const char *name);
bool app_wants_help(int argc, char **argv);
/* Opens the store, runs migrations and installs the data key. NULL (message printed) on failure. */
yt_store *app_open(yt_config *cfg);
void app_usage(const yt_command *c);

#endif
