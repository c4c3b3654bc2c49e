/* Data subcommands: import orders or customers from CSV, export customers, seed the demo brand. */
#include "../base/timeutil.h"
#include "../demo/demo.h"
#include "../importer/importer.h"
#include "../staff/auth.h"
#include "app.h"
#include "commands.h"
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    long total_bytes;
    uint64_t t0;
} progress_state;

static void show_progress(void *ctx, long rows, long bytes) {
    progress_state *p = ctx;
    double secs = (double)(mono_ns() - p->t0) / 1e9;
    int pct = p->total_bytes > 0 ? (int)(100.0 * (double)bytes / (double)p->total_bytes) : 0;
    char bar[31];
    int fill = pct * 30 / 100;
    for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %3d%%  %ld rows  %.0f rows/s ", bar, pct, rows, secs > 0 ? (double)rows / secs : 0.0);
}

static void print_summary(const import_summary *s, double secs) {
    printf("read %ld, imported %ld, already there %ld, skipped %ld, customers created %ld in %.2f s\n", s->read,
           s->imported, s->duplicates, s->skipped, s->customers_created, secs);
    for (int i = 0; i < s->nerrors; i++) printf("  line %ld: %s\n", s->errors[i].line, s->errors[i].message);
    if (s->skipped > s->nerrors) printf("  ... and %ld more skipped lines\n", s->skipped - s->nerrors);
}

int cmd_import(yt_config *cfg, int argc, char **argv) {
    const char *map = app_flag(&argc, argv, "--map"), *platform = app_flag(&argc, argv, "--platform");
    if (argc != 3 || (strcmp(argv[1], "orders") != 0 && strcmp(argv[1], "customers") != 0)) {
        fprintf(stderr, "yutang import: say `import orders FILE.csv` or `import customers FILE.csv`\n");
        return 2;
    }
    order_map m;
    char bad[128], storage[1024];
    if (!order_map_parse(map, &m, bad, sizeof bad, storage, sizeof storage)) {
        fprintf(stderr, "yutang import: --map entry '%s' is not field=column with a known field\n", bad);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        fprintf(stderr, "yutang import: cannot open %s\n", argv[2]);
        return 1;
    }
    yt_store *s = app_open(cfg);
    if (!s) {
        fclose(f);
        return 1;
    }
    struct stat st;
    progress_state ps = {.total_bytes = fstat(fileno(f), &st) == 0 ? (long)st.st_size : 0, .t0 = mono_ns()};
    bool tty = isatty(STDERR_FILENO);
    yt_arena arena = {0};
    yt_ctx x = {.db = store_db(s), .who = yt_system_actor(), .arena = &arena};
    import_summary *sum = arena_alloc(&arena, sizeof *sum);
    int rc = strcmp(argv[1], "orders") == 0
                 ? import_orders(&x, f, platform && *platform ? platform : "cdnow", &m, sum, tty ? show_progress : NULL, &ps)
                 : import_customers(&x, f, sum);
    if (tty) fprintf(stderr, "\n");
    fclose(f);
    double secs = (double)(mono_ns() - ps.t0) / 1e9;
    if (rc) fprintf(stderr, "yutang import: %s%s%s\n", x.err.field, x.err.field[0] ? ": " : "", x.err.msg);
    else print_summary(sum, secs);
    arena_free(&arena);
    store_close(s);
    return rc ? 1 : 0;
}

int cmd_export(yt_config *cfg, int argc, char **argv) {
    const char *out = app_flag(&argc, argv, "--out");
    bool bom = app_switch(&argc, argv, "--bom");
    if (argc != 2 || strcmp(argv[1], "customers") != 0) {
        fprintf(stderr, "yutang export: say `export customers [--bom] [--out FILE]`\n");
        return 2;
    }
    yt_store *s = app_open(cfg);
    if (!s) return 1;
    yt_arena arena = {0};
    yt_ctx x = {.db = store_db(s), .who = yt_system_actor(), .arena = &arena};
    yt_buf b = YT_BUF_INIT;
    int rc = export_customers(&x, &b, bom, NULL);
    if (rc == YT_OK) {
        FILE *f = out ? fopen(out, "w") : stdout;
        if (!f || fwrite(b.p, 1, b.len, f) != b.len) {
            fprintf(stderr, "yutang export: cannot write %s\n", out ? out : "stdout");
            rc = 1;
        }
        if (f && f != stdout) fclose(f);
    } else {
        fprintf(stderr, "yutang export: %s\n", x.err.msg);
    }
    buf_free(&b);
    arena_free(&arena);
    store_close(s);
    return rc ? 1 : 0;
}

int cmd_demo(yt_config *cfg, int argc, char **argv) {
    if (argc > 1) {
        fprintf(stderr, "yutang demo: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    yt_store *s = app_open(cfg);
    if (!s) return 1;
    yt_arena arena = {0};
    yt_ctx x = {.db = store_db(s), .who = yt_system_actor(), .arena = &arena};
    int rc = 0;
    char generated[32] = "";
    bool created;
    if (auth_ensure_admin(&x, cfg->admin_password, generated, &created)) {
        fprintf(stderr, "yutang demo: cannot create the owner account: %s\n", x.err.msg);
        rc = 1;
    } else {
        if (created && generated[0]) printf("Created the owner account 'admin' with the password: %s (shown once)\n", generated);
        if (!demo_needed(&x)) {
            printf("the database already has customers; demo data not added\n");
        } else if (demo_seed(&x, NULL)) {
            fprintf(stderr, "yutang demo: %s\n", x.err.msg);
            rc = 1;
        } else {
            printf("demo data added\n");
        }
    }
    arena_free(&arena);
    store_close(s);
    return rc;
}
