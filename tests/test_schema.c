/* test_schema.c - header names: normalisation, resolution (exact, case,
 * config, alias, per-table aliases), the alias table's integrity and the
 * did-you-mean suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ingest/schema.h"

static int resolve(table_id t, const char *name, const char **via)
{
    return schema_resolve(schema_table(t), name, strlen(name), NULL, 0, via);
}

static const char *col(table_id t, int c)
{
    return c < 0 ? "(none)" : schema_table(t)->cols[c].name;
}

static void test_schema__normalize(void **state)
{
    (void)state;
    char out[64];
    schema_normalize("  Account ID ", 13, out, sizeof out);
    assert_string_equal(out, "account_id");
    schema_normalize("IP-Address", 10, out, sizeof out);
    assert_string_equal(out, "ip_address");
    schema_normalize("geo.country", 11, out, sizeof out);
    assert_string_equal(out, "geo_country");
    schema_normalize("a  -  b", 7, out, sizeof out);
    assert_string_equal(out, "a_b");
    schema_normalize("", 0, out, sizeof out);
    assert_string_equal(out, "");
}

static void test_schema__resolve(void **state)
{
    (void)state;
    const char *via;
    assert_string_equal(col(TABLE_LOGINS, resolve(TABLE_LOGINS, "ip", &via)), "ip");
    assert_string_equal(via, "name");
    assert_string_equal(col(TABLE_LOGINS, resolve(TABLE_LOGINS, "Account_ID", &via)), "account_id");
    assert_string_equal(via, "case");
    assert_string_equal(col(TABLE_LOGINS, resolve(TABLE_LOGINS, "IP Address", &via)), "ip");
    assert_string_equal(via, "alias");
    /* per-table aliases: a country column is the IP's country in logins, the claim in accounts */
    assert_string_equal(col(TABLE_LOGINS, resolve(TABLE_LOGINS, "country_code", &via)),
                        "ip_country");
    assert_string_equal(col(TABLE_ACCOUNTS, resolve(TABLE_ACCOUNTS, "Country Code", &via)),
                        "country");
    assert_int_equal(resolve(TABLE_ACCOUNTS, "geo_country", &via), -1);
    assert_int_equal(resolve(TABLE_LOGINS, "stars", &via), -1); /* a column of another table */
    /* the config's names come before the built-in aliases */
    schema_alias user[] = {{"logins", "user", "device_id"}, {NULL, "where", "ip"}};
    const table_def *lg = schema_table(TABLE_LOGINS);
    assert_string_equal(col(TABLE_LOGINS, schema_resolve(lg, "User", 4, user, 2, &via)),
                        "device_id");
    assert_string_equal(via, "config");
    assert_string_equal(col(TABLE_LOGINS, schema_resolve(lg, "WHERE", 5, user, 2, &via)), "ip");
    assert_string_equal(
        col(TABLE_ACCOUNTS, schema_resolve(schema_table(TABLE_ACCOUNTS), "user", 4, user, 2, &via)),
        "account_id"); /* the logins-only entry does not apply */
}

/* Every alias is in normalized form, names a column of some table it applies
 * to, is not itself a contract column there, and no two aliases for one
 * table disagree. */
static void test_schema__alias_table(void **state)
{
    (void)state;
    size_t n;
    const schema_alias *a = schema_aliases(&n);
    assert_true(n > 50);
    for (size_t i = 0; i < n; i++) {
        char norm[128];
        schema_normalize(a[i].from, strlen(a[i].from), norm, sizeof norm);
        if (strcmp(norm, a[i].from) != 0)
            fail_msg("alias '%s' is not normalized", a[i].from);
        int applies = 0;
        for (int t = 0; t < TABLE_COUNT; t++) {
            const table_def *td = schema_table((table_id)t);
            if (a[i].table && strcmp(a[i].table, td->name) != 0)
                continue;
            if (schema_column(td, a[i].from, strlen(a[i].from)) >= 0)
                fail_msg("alias '%s' is a column of %s", a[i].from, td->name);
            applies |= schema_column(td, a[i].to, strlen(a[i].to)) >= 0;
            for (size_t j = 0; j < i; j++)
                if (!strcmp(a[j].from, a[i].from) && strcmp(a[j].to, a[i].to) != 0 &&
                    (!a[j].table || !strcmp(a[j].table, td->name)) &&
                    schema_column(td, a[j].to, strlen(a[j].to)) >= 0 &&
                    schema_column(td, a[i].to, strlen(a[i].to)) >= 0)
                    fail_msg("aliases '%s' disagree in %s", a[i].from, td->name);
        }
        if (!applies)
            fail_msg("alias '%s' -> '%s' names no column", a[i].from, a[i].to);
    }
}

/* A database names an event table's time column created_at; accounts keep
 * their own created_at. */
static void test_schema__created_at(void **state)
{
    (void)state;
    const char *via;
    for (int t = TABLE_LOGINS; t < TABLE_COUNT; t++) {
        if (t == TABLE_ACCOUNT_IDS) { /* a map, not events: it has no time */
            assert_int_equal(resolve((table_id)t, "created_at", &via), -1);
            continue;
        }
        assert_string_equal(col((table_id)t, resolve((table_id)t, "created_at", &via)), "ts");
        assert_string_equal(via, "alias");
    }
    assert_string_equal(col(TABLE_ACCOUNTS, resolve(TABLE_ACCOUNTS, "created_at", &via)),
                        "created_at");
    assert_string_equal(via, "name");
    assert_string_equal(col(TABLE_LOGINS, resolve(TABLE_LOGINS, "occurred_at", &via)), "ts");
    assert_string_equal(col(TABLE_LOGINS, resolve(TABLE_LOGINS, "event_time", &via)), "ts");
    assert_string_equal(col(TABLE_LOGINS, resolve(TABLE_LOGINS, "timestamp", &via)), "ts");
}

/* The hints: a header that says it holds a time is near the time column; a
 * file name near a table's names that table. */
static void test_schema__hints(void **state)
{
    (void)state;
    assert_string_equal(schema_near(schema_table(TABLE_LOGINS), "updated_at", 10), "ts");
    assert_string_equal(schema_near(schema_table(TABLE_PAYOUTS), "Paid Date", 9), "ts");
    assert_string_equal(schema_near(schema_table(TABLE_ACCOUNTS), "signup_time", 11), "created_at");
    assert_string_equal(schema_table_near("logins.json", 11), "logins");
    assert_string_equal(schema_table_near("Login.csv", 9), "logins");
    assert_string_equal(schema_table_near("user_ratings.ndjson", 19), "ratings");
    assert_null(schema_table_near("notes.txt", 9));
    assert_null(schema_table_near("ab.json", 7));
}

static void test_schema__near(void **state)
{
    (void)state;
    const table_def *lg = schema_table(TABLE_LOGINS);
    assert_string_equal(schema_near(lg, "acount_id", 9), "account_id");
    assert_string_equal(schema_near(lg, "ip_cntry", 8), "ip_country");
    assert_string_equal(schema_near(lg, "Sesion_Seconds", 14), "session_seconds");
    assert_null(schema_near(lg, "zzzzzz", 6));
    assert_null(schema_near(lg, "x", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema__normalize),   cmocka_unit_test(test_schema__resolve),
        cmocka_unit_test(test_schema__alias_table), cmocka_unit_test(test_schema__near),
        cmocka_unit_test(test_schema__created_at),  cmocka_unit_test(test_schema__hints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
