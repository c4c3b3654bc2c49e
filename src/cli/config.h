/* Configuration: defaults, then a KEY=VALUE file, then YUTANG_* environment variables, then flags (flags win). */
#ifndef YT_CONFIG_H
#define YT_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char listen[160];
    char db[512];
    char data_key[80];
    char data_key_file[512];
    char admin_password[256];
    char console_dir[512];
    int threads;
    int timeout_s;       /* idle connection timeout */
    int head_timeout_s;  /* a request head must arrive whole within this */
    char trusted_proxies[512]; /* addresses whose X-Forwarded-For names the client */
    char metrics_token[128];   /* when set, /metrics needs it as a bearer token; else loopback only */
    int rate_per_ip;     /* requests per minute; 0 = off */
    int rate_per_token;
    int mall_pay_window_s; /* an unpaid normal mall order is cancelled after this */
    int groupbuy_minute_ms; /* a minute of a group buy's team time limit, in ms (60000; shorter only to rehearse) */
    char instance[64];      /* this instance's name among those on one store ("": its host name and --listen) */
    int flash_lease_ttl_ms; /* a flash-sale lease not renewed for this long goes back (0: 15000) */
    int flash_lease_idle_ms; /* an instance gives back a lease no order used for this long (0: 3000) */
    int flash_file_idle_ms;  /* the flash order journal is filed once no order came for this long (0: 50) */
    int flash_gather_us;     /* under load, a flash group gathers orders for this long (0: none; default 1000) */
    bool demo;
    bool plain_io; /* the HTTP loops make a system call for each read and write (no io_uring batches) */
} yt_config;

/* Fills defaults, reads the file named by YUTANG_CONFIG (if any) and the environment. */
bool config_load(yt_config *c, char *err, size_t errsz);
/* Reads a KEY=VALUE file (YUTANG_* keys, # comments). */
bool config_read_file(yt_config *c, const char *path, char *err, size_t errsz);
/* Applies one setting by its environment name; false when the name is unknown or the value bad. */
bool config_set(yt_config *c, const char *key, const char *value);

#endif
