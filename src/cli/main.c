/* yutang's entry point: the subcommand table and its help. */
#include "app.h"
#include "commands.h"
#include <stdio.h>
#include <string.h>

static const yt_command commands[] = {
    {"serve", "serve [--listen HOST:PORT] [--db PATH_OR_URL] [--demo] [--threads N] [--timeout SECONDS]"
              " [--head-timeout SECONDS] [--rate-limit-per-ip N] [--rate-limit-per-token N] [--mall-pay-window SECONDS] [--console DIR]"
              " [--trusted-proxies ADDR,...] [--plain-io]",
     "Serves the API and the console until SIGTERM or SIGINT. --demo seeds a demo brand into an empty database.\n"
     "--trusted-proxies: reverse proxies whose X-Forwarded-For names the client (rate limits, login lockout).\n"
     "--plain-io: a system call for each socket read and write instead of a round of them in one (io_uring).\n"
     "/metrics answers loopback callers only, or anyone with YUTANG_METRICS_TOKEN as a bearer token.",
     cmd_serve},
    {"migrate", "migrate [--db PATH_OR_URL]", "Runs every pending schema migration and prints the schema version.",
     cmd_migrate},
    {"import", "import orders FILE.csv [--map field=column,...] [--platform NAME] | import customers FILE.csv",
     "Imports order history (fields: customer_ref, ordered_on, quantity, amount, order_id, phone, name, status;\n"
     "defaults match the CDNOW export) or customers (name,nickname,phone,unionid,openid,external_userid,email,city,\n"
     "gender,birthday,tags). Idempotent: running it again imports nothing new.",
     cmd_import},
    {"clv", "clv fit --until YYYY-MM-DD [--unit day|week] [--json] | clv predict --until YYYY-MM-DD [--unit day|week]"
            " [--days N] [--limit K] [--json]",
     "Fits the customer lifetime value models on the paid orders up to --until (inclusive, Asia/Shanghai days):\n"
     "BG/NBD (r, alpha, a, b: repeat purchases, P(alive)) and Gamma-Gamma (p, q, gamma: spend per purchase), time\n"
     "in weeks by default. predict lists the customers by expected value over the next --days (90), top --limit (20).",
     cmd_clv},
    {"export", "export customers [--bom] [--out FILE]", "Writes every customer as CSV (--bom for Excel).", cmd_export},
    {"user", "user add USERNAME --role ROLE [--password P] [--display-name NAME] [--store ID] | user passwd USERNAME"
             " [--password P] | user list",
     "Manages staff accounts. Roles: owner, admin, operator, editor, guide, service, analyst.\n"
     "Without --password a random one is generated and printed.",
     cmd_user},
    {"token", "token create --user USERNAME [--name NAME] [--scopes a,b] [--ttl-days N] | token revoke ID",
     "Creates (prints once) or revokes an API token.", cmd_token},
    {"backup", "backup FILE", "Writes an online backup of the SQLite database (for PostgreSQL use pg_dump).", cmd_backup},
    {"demo", "demo [--db PATH_OR_URL]", "Seeds the demo brand into an empty database.", cmd_demo},
    {"routes", "routes", "Prints the route table: METHOD PATH PERMISSION.", cmd_routes},
    {"version", "version", "Prints the version.", cmd_version},
};

static void usage(FILE *out) {
    fprintf(out, "yutang — the private-domain (私域) operations engine\n\nusage: yutang COMMAND [flags]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].usage);
    fprintf(out, "\n`yutang COMMAND --help` explains one command.\n");
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) argv[1] = "version";
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0) continue;
        if (app_wants_help(argc - 1, argv + 1)) {
            app_usage(&commands[i]);
            return 0;
        }
        yt_config cfg;
        char err[256];
        if (!config_load(&cfg, err, sizeof err)) {
            fprintf(stderr, "yutang: %s\n", err);
            return 2;
        }
        int sub_argc = argc - 1;
        if (!app_common_flags(&cfg, &sub_argc, argv + 1)) return 2;
        return commands[i].run(&cfg, sub_argc, argv + 1);
    }
    fprintf(stderr, "yutang: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
