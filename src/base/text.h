/* UTF-8 validation and small text helpers (phone normalising and masking, money in fen, hashes). */
#ifndef YT_TEXT_H
#define YT_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or NULs). */
bool utf8_valid(const char *s, size_t n);
/* For names and other short text a person reads: NULL when s is fine, else why not ("must not
 * contain control characters", or invisible or direction-changing characters: zero-width spaces and
 * joiners, bidirectional overrides and isolates, the byte order mark, soft hyphens). s is valid UTF-8. */
const char *text_unreadable(const char *s);
/* How many bytes of s (valid UTF-8) fit in max without cutting a character: for "%.*s". */
int utf8_fit(const char *s, int max);
/* Drops an incomplete UTF-8 sequence at the end of s, as a truncating snprintf may leave. */
void utf8_trim_cut(char *s);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_chars(const char *s);
/* Normalises a phone number into out (digits, optional leading '+86' dropped for mainland numbers).
 * Returns false when it is not a plausible phone number (6..20 digits). */
bool phone_normalize(const char *in, char *out, size_t outsz);
/* Writes the masked form "138****1234" (first 3, last 4 kept) into out; a number shorter than 11 digits
 * keeps fewer, so at least four digits are always hidden. */
void phone_mask(const char *phone, char *out, size_t outsz);
/* Parses a decimal money amount ("11.77", "-3", "1,234.5") into integer fen, exactly.
 * Returns false for more than two decimals (unless zeros), junk or overflow. */
bool money_to_fen(const char *s, int64_t *fen);
/* Formats fen as yuan with two decimals into out. */
void fen_to_str(int64_t fen, char *out, size_t outsz);
/* Parses a base-10 int64 from the whole of s; false on junk or overflow. */
bool parse_i64(const char *s, int64_t *out);
/* Copies src into dst (size bytes), cut to fit and NUL-terminated, like snprintf "%s" without its cost. */
void text_copy(char *dst, size_t size, const char *src);
/* FNV-1a string hashes, for in-memory tables (not for anything an attacker must not collide). */
uint32_t hash_fnv1a32(const char *s);
/* The same over n bytes (a slice of a string, an address). */
uint32_t hash_fnv1a32_n(const void *p, size_t n);
uint64_t hash_fnv1a64(const char *s);
/* Escapes % _ and \ for use in a LIKE pattern with ESCAPE '\'; returns a malloc'd "%s%" pattern. */
char *like_contains(const char *s);
/* Whether s (NULL: no) is one of list, which ends with NULL. */
bool text_one_of(const char *s, const char *const *list);

#endif
