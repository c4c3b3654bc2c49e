/* `yutang serve`: opens the store, makes sure an owner exists, optionally seeds demo data, serves until SIGTERM. */
#include "../audience/follow.h"
#include "../domain/changes.h"
#include "../base/log.h"
#include "../base/httpc.h"
#include "../commerce/pay_wechat_certs.h"
#include "../commerce/refund_submit.h"
#include "../demo/demo.h"
#include "../http/http.h"
#include "../staff/auth.h"
#include "app.h"
#include "commands.h"
#include "beat.h"
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool dir_has_index(const char *dir) {
    char p[PATH_MAX];
    struct stat st;
    snprintf(p, sizeof p, "%s/index.html", dir);
    return stat(p, &st) == 0;
}

static void find_console(yt_config *cfg) {
    if (cfg->console_dir[0]) return;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char cand[PATH_MAX + 32];
            snprintf(cand, sizeof cand, "%s/../web/console/dist", exe);
            if (dir_has_index(cand) && realpath(cand, cfg->console_dir)) return;
        }
    }
    if (dir_has_index(YT_SOURCE_DIR "/web/console/dist")) snprintf(cfg->console_dir, sizeof cfg->console_dir, "%s", YT_SOURCE_DIR "/web/console/dist");
}

static const char *env_set(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* WeChat Pay is on with its APIv3 key and a way to check the platform's signatures: its platform key (a PEM
 * file) or the merchant's key, with which the platform certificates are downloaded; one without the other is
 * a mistake worth stopping for. *out stays NULL when it is off. */
static bool wechatpay_from_env(wechatpay **out) {
    const char *pem = env_set("YUTANG_WECHATPAY_PLATFORM_KEY"), *v3 = env_set("YUTANG_WECHATPAY_APIV3_KEY"),
               *merchant = env_set("YUTANG_WECHATPAY_MERCHANT_KEY");
    *out = NULL;
    if (!pem && !v3 && !merchant) return true;
    if (!v3 || (!pem && !merchant)) {
        fprintf(stderr, "yutang serve: WeChat Pay needs YUTANG_WECHATPAY_APIV3_KEY, and YUTANG_WECHATPAY_PLATFORM_KEY (a PEM file)"
                        " or YUTANG_WECHATPAY_MERCHANT_KEY (to download the platform certificates), to check its signatures\n");
        return false;
    }
    char err[512];
    *out = wechatpay_load(pem, env_set("YUTANG_WECHATPAY_PLATFORM_SERIAL"), v3, env_set("YUTANG_WECHATPAY_MCHID"), err, sizeof err);
    if (!*out) fprintf(stderr, "yutang serve: WeChat Pay: %s\n", err);
    return *out != NULL;
}

/* Calling WeChat Pay (JSAPI prepay, refunds, the platform certificates) is on when the merchant's private key is
 * set; the rest of its settings must then be there too. *out stays NULL when it is off. */
static bool wechatpay_merchant_from_env(const wechatpay *platform, wechatpay_merchant **out) {
    const char *key = env_set("YUTANG_WECHATPAY_MERCHANT_KEY");
    *out = NULL;
    if (!key || !platform) return true; /* (wechatpay_from_env refused a merchant key without the APIv3 key) */
    char err[512];
    *out = wechatpay_merchant_load(key, env_set("YUTANG_WECHATPAY_MERCHANT_SERIAL"), env_set("YUTANG_WECHATPAY_MCHID"),
                                   env_set("YUTANG_WECHATPAY_APPID"), env_set("YUTANG_WECHATPAY_NOTIFY_URL"),
                                   env_set("YUTANG_WECHATPAY_API_BASE"), err, sizeof err);
    if (!*out) fprintf(stderr, "yutang serve: WeChat Pay merchant: %s\n", err);
    return *out != NULL;
}

static void payments_free(wechatpay *platform, wechatpay_merchant *merchant) {
    wechatpay_merchant_free(merchant);
    wechatpay_free(platform);
}

int cmd_serve(yt_config *cfg, int argc, char **argv) {
    const char *v;
    static const struct {
        const char *flag, *key;
    } map[] = {{"--rate-limit-per-ip", "YUTANG_RATE_LIMIT_PER_IP"},
               {"--rate-limit-per-token", "YUTANG_RATE_LIMIT_PER_TOKEN"},
               {"--threads", "YUTANG_THREADS"},
               {"--timeout", "YUTANG_TIMEOUT"},
               {"--head-timeout", "YUTANG_HEAD_TIMEOUT"},
               {"--trusted-proxies", "YUTANG_TRUSTED_PROXIES"},
               {"--console", "YUTANG_CONSOLE_DIR"},
               {"--mall-pay-window", "YUTANG_MALL_PAY_WINDOW"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if ((v = app_flag(&argc, argv, map[i].flag)) && !config_set(cfg, map[i].key, v)) {
            fprintf(stderr, "yutang serve: bad value for %s\n", map[i].flag);
            return 2;
        }
    if (app_switch(&argc, argv, "--demo")) cfg->demo = true;
    if (app_switch(&argc, argv, "--plain-io")) cfg->plain_io = true;
    if (argc > 1) {
        fprintf(stderr, "yutang serve: unexpected argument '%s' (see yutang serve --help)\n", argv[1]);
        return 2;
    }
    http_config hc = {.threads = cfg->threads, .timeout_s = cfg->timeout_s, .head_timeout_s = cfg->head_timeout_s,
                      .header_limit = 16 * 1024, .plain_io = cfg->plain_io};
    snprintf(hc.trusted_proxies, sizeof hc.trusted_proxies, "%s", cfg->trusted_proxies);
    if (!http_parse_listen(cfg->listen, &hc)) {
        fprintf(stderr, "yutang serve: --listen must be HOST:PORT, got '%s'\n", cfg->listen);
        return 2;
    }
    wechatpay *wxpay;
    wechatpay_merchant *wxmerchant = NULL;
    if (!wechatpay_from_env(&wxpay)) return 1;
    if (!wechatpay_merchant_from_env(wxpay, &wxmerchant) || !httpc_start()) {
        wechatpay_free(wxpay);
        return 1;
    }
    /* every thread started from here on inherits the blocked signals; the main thread waits for them */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* segments make and free bitmaps by the megabyte: keep freed heap for the next one instead of handing it
     * back to the kernel and faulting it in again (measured: a fifth of a 10M-customer count was page faults) */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    yt_store *store = app_open(cfg);
    if (!store) {
        payments_free(wxpay, wxmerchant);
        return 1;
    }
    store_group_durability(store); /* every answer waits for its commits' sync (http layer) */
    yt_arena arena = {0};
    yt_ctx x = {.db = store_db(store), .who = yt_system_actor(), .arena = &arena};
    char generated[32] = "";
    bool created;
    if (auth_ensure_admin(&x, cfg->admin_password, generated, &created)) {
        fprintf(stderr, "yutang: cannot create the owner account: %s\n", x.err.msg);
        store_close(store);
        payments_free(wxpay, wxmerchant);
        return 1;
    }
    if (created && generated[0])
        printf("Created the owner account 'admin' with the password: %s\n(shown once; change it with `yutang user passwd admin`)\n",
               generated);
    if (cfg->demo && demo_needed(&x)) {
        printf("Seeding demo data ...\n");
        fflush(stdout);
        if (demo_seed(&x, NULL)) {
            fprintf(stderr, "yutang: demo data failed: %s\n", x.err.msg);
            store_close(store);
            payments_free(wxpay, wxmerchant);
            return 1;
        }
    }
    arena_free(&arena);
    /* what runs beside the HTTP server, started in order and stopped in reverse, from one place; each stop takes
     * NULL (not started) */
    int rc = 1;
    audience *aud = audience_new();
    audience_follower *follower = NULL;
    flash_engine *flash = NULL;
    yt_beat *beat = NULL;
    refund_submitter *refunds = NULL;
    wechatpay_certs *wxcerts = NULL;
    yt_server srv = {0};
    if (audience_start(aud, store_db(store)) != 0) {
        fprintf(stderr, "yutang: cannot build the audience index from the store\n");
        goto out;
    }
    change_listen(audience_own_commit, aud); /* its own writes count at once, whatever else is running */
    follower = audience_follow(aud, store);
    flash_config fc = {.lease_ttl_ms = cfg->flash_lease_ttl_ms, .lease_idle_ms = cfg->flash_lease_idle_ms,
                       .file_idle_ms = cfg->flash_file_idle_ms, .gather_us = cfg->flash_gather_us};
    if (cfg->instance[0]) snprintf(fc.instance, sizeof fc.instance, "%s", cfg->instance);
    else { /* the host and the listening address tell instances on one store apart, and stay the same across restarts */
        char host[64] = "";
        gethostname(host, sizeof host - 1);
        snprintf(fc.instance, sizeof fc.instance, "%s/%s", host, cfg->listen);
    }
    if (!(flash = flash_start(store, &fc))) goto out;
    if (!(beat = beat_start(store, 1000))) goto out; /* the modules' periodic store work */
    /* with the merchant's key, refunds through WeChat Pay are asked of its refund API by a thread of their own */
    const char *retry = env_set("YUTANG_WECHATPAY_RETRY_MS"), *recheck = env_set("YUTANG_WECHATPAY_RECHECK_MS");
    /* (first, the platform certificates are downloaded, and kept current, beside any platform key configured) */
    if (wxmerchant && !(wxcerts = wechatpay_certs_start(wxmerchant, wxpay))) {
        fprintf(stderr, "yutang serve: cannot start the WeChat Pay platform certificates' thread\n");
        goto out;
    }
    refunds = wxmerchant ? refund_submitter_start(store, wxmerchant, wxpay, retry ? atoi(retry) : 0, recheck ? atoi(recheck) : 0) : NULL;
    find_console(cfg);
    srv = (yt_server){.store = store,
                      .per_ip = ratelimit_new((uint32_t)cfg->rate_per_ip, 60000),
                      .per_token = ratelimit_new((uint32_t)cfg->rate_per_token, 60000),
                      .console_dir = cfg->console_dir[0] ? cfg->console_dir : NULL,
                      .audience = aud,
                      .flash = flash,
                      .mall_pay_window_ms = (cfg->mall_pay_window_s > 0 ? cfg->mall_pay_window_s : 1800) * 1000LL,
                      .groupbuy_minute_ms = cfg->groupbuy_minute_ms > 0 ? cfg->groupbuy_minute_ms : 60000,
                      .pay_sandbox_secret = getenv("YUTANG_PAY_SANDBOX_SECRET") && *getenv("YUTANG_PAY_SANDBOX_SECRET")
                                                ? getenv("YUTANG_PAY_SANDBOX_SECRET") : NULL,
                      .wechatpay = wxpay,
                      .wechatpay_merchant = wxmerchant,
                      .refunds = refunds,
                      .metrics_token = cfg->metrics_token[0] ? cfg->metrics_token : NULL};
    http_daemon *d = http_start(&hc, &srv);
    if (!d) goto out;
    log_info("listening on %s (console %s)", cfg->listen, srv.console_dir ? "on" : "not built");
    printf("yutang is serving on http://%s/  (console: http://%s/ , API: http://%s/api/v1)\n", cfg->listen, cfg->listen,
           cfg->listen);
    if (!cfg->admin_password[0] && !created) printf("Log in as an existing user, e.g. 'admin'.\n");
    else if (cfg->admin_password[0]) printf("Log in as 'admin' with the password in YUTANG_ADMIN_PASSWORD.\n");
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("signal %d: stopping (finishing in-flight requests)", sig);
    http_stop(d, 10000);
    rc = 0;
out:
    refund_submitter_stop(refunds);
    wechatpay_certs_stop(wxcerts); /* after everything that checks WeChat Pay's signatures */
    beat_stop(beat);
    flash_stop(flash); /* after the server: deferred answers still waiting are written and sent first */
    audience_follow_stop(follower);
    change_listen(NULL, NULL);
    audience_free(aud);
    store_close(store);
    payments_free(wxpay, wxmerchant);
    ratelimit_free(srv.per_ip);
    ratelimit_free(srv.per_token);
    if (rc == 0) log_info("stopped");
    return rc;
}
