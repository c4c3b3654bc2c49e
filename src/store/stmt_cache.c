/* The drivers' prepared-statement index: set-associative, least recently used out. */
#include "stmt_cache.h"
#include "../base/alloc.h"
#include "../base/text.h"
#include <stdlib.h>
#include <string.h>

/* The hash's high bits too: FNV's low bits alone repeat for texts made of one part repeated (many rows). */
static uint32_t set_of(const stmt_cache *c, uint32_t h) { return (h ^ h >> 16) % c->sets; }

int stmt_cache_find(stmt_cache *c, const char *sql, bool *hit) {
    uint32_t h = hash_fnv1a32(sql);
    int base = (int)(set_of(c, h) * STMT_WAYS), room = -1;
    stmt_entry *e = c->e + base;
    *hit = false;
    for (int w = 0; w < STMT_WAYS; w++) {
        if (e[w].sql && e[w].hash == h && strcmp(e[w].sql, sql) == 0) {
            if (e[w].pinned) return -1;
            e[w].used = ++c->clock;
            *hit = true;
            return base + w;
        }
        if (!e[w].pinned && (room < 0 || e[w].used < e[room].used)) room = w;
    }
    return room < 0 ? -1 : base + room;
}

void stmt_cache_fill(stmt_cache *c, int i, const char *sql) {
    free(c->e[i].sql);
    c->e[i] = (stmt_entry){.sql = yt_strdup(sql), .hash = hash_fnv1a32(sql), .used = ++c->clock};
}

void stmt_cache_clear(stmt_cache *c) {
    for (uint32_t i = 0; i < c->sets * STMT_WAYS; i++) {
        free(c->e[i].sql);
        c->e[i] = (stmt_entry){0};
    }
}
