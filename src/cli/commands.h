/* The subcommands, each in its own file. */
#ifndef YT_COMMANDS_H
#define YT_COMMANDS_H
#include "config.h"

int cmd_serve(yt_config *cfg, int argc, char **argv);
int cmd_migrate(yt_config *cfg, int argc, char **argv);
int cmd_user(yt_config *cfg, int argc, char **argv);
int cmd_token(yt_config *cfg, int argc, char **argv);
int cmd_backup(yt_config *cfg, int argc, char **argv);
int cmd_version(yt_config *cfg, int argc, char **argv);
int cmd_routes(yt_config *cfg, int argc, char **argv);
int cmd_import(yt_config *cfg, int argc, char **argv);
int cmd_export(yt_config *cfg, int argc, char **argv);
int cmd_demo(yt_config *cfg, int argc, char **argv);
int cmd_clv(yt_config *cfg, int argc, char **argv);

#endif
