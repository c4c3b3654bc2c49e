/* Configuration: defaults, then a KEY=VALUE file, then YUTANG_* environment variables, then flags (flags win). */
#include "config.h"
#include "../commerce/flash.h"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { K_STR, K_INT, K_BOOL } kind;

static const struct {
    const char *env;
    kind k;
    size_t off, size;
} settings[] = {
#define S(env, field) {env, K_STR, offsetof(yt_config, field), sizeof(((yt_config *)0)->field)}
#define I(env, field) {env, K_INT, offsetof(yt_config, field), 0}
    S("YUTANG_LISTEN", listen),
    S("YUTANG_DB", db),
    S("YUTANG_DATA_KEY", data_key),
    S("YUTANG_DATA_KEY_FILE", data_key_file),
    S("YUTANG_ADMIN_PASSWORD", admin_password),
    S("YUTANG_CONSOLE_DIR", console_dir),
    I("YUTANG_THREADS", threads),
    I("YUTANG_TIMEOUT", timeout_s),
    I("YUTANG_HEAD_TIMEOUT", head_timeout_s),
    S("YUTANG_TRUSTED_PROXIES", trusted_proxies),
    S("YUTANG_METRICS_TOKEN", metrics_token),
    I("YUTANG_RATE_LIMIT_PER_IP", rate_per_ip),
    I("YUTANG_RATE_LIMIT_PER_TOKEN", rate_per_token),
    I("YUTANG_MALL_PAY_WINDOW", mall_pay_window_s),
    I("YUTANG_GROUPBUY_MINUTE_MS", groupbuy_minute_ms),
    S("YUTANG_INSTANCE", instance),
    I("YUTANG_FLASH_LEASE_TTL_MS", flash_lease_ttl_ms),
    I("YUTANG_FLASH_LEASE_IDLE_MS", flash_lease_idle_ms),
    I("YUTANG_FLASH_FILE_IDLE_MS", flash_file_idle_ms),
    I("YUTANG_FLASH_GATHER_US", flash_gather_us),
    {"YUTANG_DEMO", K_BOOL, offsetof(yt_config, demo), 0},
    {"YUTANG_PLAIN_IO", K_BOOL, offsetof(yt_config, plain_io), 0},
#undef S
#undef I
};

bool config_set(yt_config *c, const char *key, const char *value) {
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (strcmp(settings[i].env, key) != 0) continue;
        char *field = (char *)c + settings[i].off;
        switch (settings[i].k) {
        case K_STR:
            if (strlen(value) >= settings[i].size) return false;
            strcpy(field, value);
            return true;
        case K_INT: {
            char *end;
            long v = strtol(value, &end, 10);
            if (*end || end == value || v < 0 || v > 1000000000) return false;
            *(int *)field = (int)v;
            return true;
        }
        case K_BOOL:
            *(bool *)field = strcmp(value, "1") == 0 || strcmp(value, "true") == 0 || strcmp(value, "yes") == 0;
            return true;
        }
    }
    return false;
}

bool config_read_file(yt_config *c, const char *path, char *err, size_t errsz) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "cannot read config file %s", path);
        return false;
    }
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        s[strcspn(s, "\r\n")] = '\0';
        if (!*s || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errsz, "%s:%d: expected KEY=VALUE", path, n);
            fclose(f);
            return false;
        }
        *eq = '\0';
        if (!config_set(c, s, eq + 1)) {
            snprintf(err, errsz, "%s:%d: unknown setting or bad value for %s", path, n, s);
            fclose(f);
            return false;
        }
    }
    fclose(f);
    return true;
}

bool config_load(yt_config *c, char *err, size_t errsz) {
    memset(c, 0, sizeof *c);
    strcpy(c->listen, "127.0.0.1:8080");
    strcpy(c->db, "./var/yutang.db");
    c->threads = 4;
    c->timeout_s = 30;
    c->head_timeout_s = 10;
    c->rate_per_ip = 6000;
    c->rate_per_token = 6000;
    c->mall_pay_window_s = 1800;
    c->groupbuy_minute_ms = 60000;
    c->flash_gather_us = FLASH_GATHER_US;
    const char *file = getenv("YUTANG_CONFIG");
    if (file && *file && !config_read_file(c, file, err, errsz)) return false;
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const char *v = getenv(settings[i].env);
        if (v && *v && !config_set(c, settings[i].env, v)) {
            snprintf(err, errsz, "environment variable %s has a bad value", settings[i].env);
            return false;
        }
    }
    return true;
}
