/* UTF-8 validation and small text helpers (phone normalising and masking, money in fen, hashes). */
#include "text.h"
#include "alloc.h"
#include "buf.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool utf8_valid(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0) return false;
        if (c < 0x80) { i++; continue; }
        size_t len;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        else return false;
        if (i + len > n) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;
        i += len;
    }
    return true;
}

size_t utf8_chars(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

bool phone_normalize(const char *in, char *out, size_t outsz) {
    char digits[32];
    size_t n = 0;
    bool plus = false;
    for (const char *p = in; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof digits) return false;
            digits[n++] = *p;
        } else if (*p == '+' && n == 0 && !plus) {
            plus = true;
        } else if (*p == ' ' || *p == '-' || *p == '(' || *p == ')') {
            continue;
        } else {
            return false;
        }
    }
    digits[n] = '\0';
    const char *d = digits;
    if (plus && n == 13 && strncmp(digits, "86", 2) == 0) d += 2; /* +86 mainland mobile */
    size_t dl = strlen(d);
    if (dl < 6 || dl > 20 || dl + 1 > outsz) return false;
    memcpy(out, d, dl + 1);
    return true;
}

void phone_mask(const char *phone, char *out, size_t outsz) {
    size_t n = strlen(phone);
    size_t front = 3, back = 4; /* a mainland mobile: 138****1234 */
    if (n < 11) {               /* shorter numbers keep fewer digits, so at least four stay hidden */
        size_t keep = n > 4 ? n - 4 : 0;
        front = keep / 2;
        back = keep - front;
    }
    snprintf(out, outsz, "%.*s****%s", (int)front, phone, phone + n - back);
}

int utf8_fit(const char *s, int max) {
    int n = 0;
    while (s[n] && n < max) {
        unsigned char c = (unsigned char)s[n];
        int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (n + len > max) break;
        n += len;
    }
    return n;
}

bool money_to_fen(const char *s, int64_t *fen) {
    while (*s == ' ') s++;
    bool neg = false;
    if (*s == '-') { neg = true; s++; }
    else if (*s == '+') s++;
    int64_t yuan = 0;
    int digits = 0;
    for (; *s && *s != '.'; s++) {
        if (*s == ',') continue;
        if (*s < '0' || *s > '9') return false;
        if (yuan > (INT64_MAX / 100 - 9) / 10) return false;
        yuan = yuan * 10 + (*s - '0');
        digits++;
    }
    int64_t cents = 0;
    int dec = 0;
    if (*s == '.') {
        s++;
        for (; *s; s++) {
            if (*s == ' ') break;
            if (*s < '0' || *s > '9') return false;
            if (dec < 2) cents = cents * 10 + (*s - '0');
            else if (*s != '0') return false; /* would lose precision */
            dec++;
        }
    }
    while (*s == ' ') s++;
    if (*s) return false;
    if (digits == 0 && dec == 0) return false;
    if (dec == 1) cents *= 10;
    int64_t v = yuan * 100 + cents;
    *fen = neg ? -v : v;
    return true;
}

void fen_to_str(int64_t fen, char *out, size_t outsz) {
    const char *sign = fen < 0 ? "-" : "";
    uint64_t a = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;
    snprintf(out, outsz, "%s%llu.%02llu", sign, (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

void text_copy(char *dst, size_t size, const char *src) {
    if (!size) return;
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

bool parse_i64(const char *s, int64_t *out) {
    if (!s || !*s) return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s) return false;
    *out = v;
    return true;
}

uint32_t hash_fnv1a32_n(const void *p, size_t n) {
    const unsigned char *s = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
    return h;
}

uint32_t hash_fnv1a32(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

uint64_t hash_fnv1a64(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

char *like_contains(const char *s) {
    yt_buf b = YT_BUF_INIT;
    buf_putc(&b, '%');
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\') buf_putc(&b, '\\');
        buf_putc(&b, *s);
    }
    buf_putc(&b, '%');
    return buf_take(&b);
}

/* Code points that show nothing, or reorder what is shown, so a name can look like another. */
static bool invisible(uint32_t c) {
    return c == 0x00AD || c == 0x061C || c == 0x180E || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB);
}

const char *text_unreadable(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        for (int i = 1; i < n; i++)
            if (!p[i]) return "is not valid UTF-8"; /* never for valid input; keeps the walk inside s */
        uint32_t c = n == 1 ? *p : (uint32_t)(*p & (0x7F >> n));
        for (int i = 1; i < n; i++) c = c << 6 | (p[i] & 0x3F);
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return "must not contain control characters";
        if (invisible(c)) return "must not contain invisible or direction-changing characters";
        p += n;
    }
    return NULL;
}

void utf8_trim_cut(char *s) {
    size_t n = strlen(s), i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
    if (i == 0) return;
    unsigned char c = (unsigned char)s[i - 1];
    size_t want = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (n - (i - 1) < want) s[i - 1] = '\0';
}

bool text_one_of(const char *s, const char *const *list) {
    for (int i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0) return true;
    return false;
}
