/* The module entries fit together: one migration sequence, unique routes and permissions, known roles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "modules.h"
#include "staff/roles.h"

/* Versions taken by work that has not landed yet: the sequence may skip them until it does (then drop them here). */
static const int versions_in_flight[] = {20};

static bool in_flight(int version) {
    for (size_t i = 0; i < sizeof versions_in_flight / sizeof versions_in_flight[0]; i++)
        if (versions_in_flight[i] == version) return true;
    return false;
}

static void migrations_are_one_sequence_in_both_dialects(void **state) {
    (void)state;
    int n;
    const yt_migration *m = modules_migrations(&n);
    assert_true(n >= 8);
    int want = 1;
    for (int i = 0; i < n; i++, want++) {
        while (m[i].version != want && in_flight(want)) want++;
        if (m[i].version != want) fail_msg("migration versions skip or repeat at %d (found %d)", want, m[i].version);
        if (!m[i].sqlite || !*m[i].sqlite || !m[i].pg || !*m[i].pg)
            fail_msg("migration %d lacks its SQLite or PostgreSQL script", m[i].version);
    }
    assert_int_equal(store_latest_version(), m[n - 1].version);
}

static void routes_are_unique(void **state) {
    (void)state;
    int n;
    const yt_route *r = modules_routes(&n);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (strcmp(r[i].name, r[j].name) == 0) fail_msg("route name %s is used twice", r[i].name);
            if (strcmp(r[i].method, r[j].method) == 0 && strcmp(r[i].pattern, r[j].pattern) == 0)
                fail_msg("%s %s is routed twice", r[i].method, r[i].pattern);
        }
}

static void permissions_are_single_named_bits_held_by_known_roles(void **state) {
    (void)state;
    int n, nroutes;
    const yt_perm *p = modules_perms(&n);
    uint32_t seen = 0;
    for (int i = 0; i < n; i++) {
        if (!p[i].bit || (p[i].bit & (p[i].bit - 1))) fail_msg("permission %s is not one bit", p[i].name);
        if (seen & p[i].bit) fail_msg("permission %s reuses a bit", p[i].name);
        seen |= p[i].bit;
        assert_int_equal(perm_bit(p[i].name), p[i].bit);
        char roles[256];
        snprintf(roles, sizeof roles, "%s", p[i].roles);
        for (char *save = NULL, *tok = strtok_r(roles, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            if (!role_find(tok)) fail_msg("permission %s names an unknown role %s", p[i].name, tok);
    }
    assert_int_equal(seen, PERM_ALL);
    assert_int_equal(modules_perm_all(), PERM_ALL);
    assert_int_equal(role_find("owner")->perms, PERM_ALL);
    assert_int_equal(role_find("guide")->perms & PERM_PII_READ, 0);
    const yt_route *r = modules_routes(&nroutes);
    for (int i = 0; i < nroutes; i++)
        if (r[i].perm & ~seen) fail_msg("route %s needs a permission no module names", r[i].name);
}

static void keyed_tables_are_listed_once(void **state) {
    (void)state;
    int n;
    const customer_keyed *k = modules_keyed(&n);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(k[i].table, k[j].table) == 0 && strcmp(k[i].column, k[j].column) == 0)
                fail_msg("%s.%s is listed twice", k[i].table, k[i].column);
}

/* a literal path segment beats a parameter wherever the routes sit in the list */
static void literal_segments_win(void **state) {
    (void)state;
    const char *params[API_MAX_PATH_PARAMS];
    int np = 0;
    bool mismatch;
    const yt_route *r = api_match("POST", "/api/v1/customers/bulk/tags", params, &np, &mismatch);
    assert_non_null(r);
    assert_string_equal(r->name, "customer.bulk_tag");
    r = api_match("POST", "/api/v1/customers/42/tags", params, &np, &mismatch);
    assert_non_null(r);
    assert_string_equal(r->name, "customer.tag");
    assert_int_equal(np, 1);
    assert_int_equal(strncmp(params[0], "42/", 3), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migrations_are_one_sequence_in_both_dialects),
        cmocka_unit_test(routes_are_unique),
        cmocka_unit_test(permissions_are_single_named_bits_held_by_known_roles),
        cmocka_unit_test(keyed_tables_are_listed_once),
        cmocka_unit_test(literal_segments_win),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
