/* test_country.c - country values to alpha-2: codes in any case, alpha-3 and
 * English names from iso-codes (skipped with a message when the package is
 * absent), UK, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ingest/country.h"

static const char *cc_of(const char *s)
{
    static char cc[3];
    static rs_error why;
    if (country_parse(s, strlen(s), cc, &why) != 0)
        return why.msg;
    return cc;
}

static void test_country__alpha2(void **state)
{
    (void)state;
    assert_string_equal(cc_of("US"), "US");
    assert_string_equal(cc_of("fr"), "FR");
    assert_string_equal(cc_of(" de "), "DE");
    assert_string_equal(cc_of("UK"), "GB");
    assert_string_equal(cc_of("uk"), "GB");
}

static void test_country__names_and_alpha3(void **state)
{
    (void)state;
    if (access(COUNTRY_ISO_CODES_FILE, R_OK) != 0) {
        printf("SKIP: %s absent (Debian package iso-codes)\n", COUNTRY_ISO_CODES_FILE);
        assert_non_null(strstr(cc_of("USA"), "install the iso-codes package"));
        return;
    }
    assert_string_equal(cc_of("USA"), "US");
    assert_string_equal(cc_of("deu"), "DE");
    assert_string_equal(cc_of("United States"), "US");
    assert_string_equal(cc_of("united states of america"), "US");
    assert_string_equal(cc_of("Viet Nam"), "VN");
    assert_string_equal(cc_of("Vietnam"), "VN"); /* common name */
    assert_string_equal(cc_of("South Korea"), "KR");
    assert_string_equal(cc_of("Korea, Republic of"), "KR");
    assert_string_equal(cc_of("Hong Kong"), "HK");
    assert_string_equal(cc_of("  china "), "CN");
    assert_string_equal(cc_of("Iran"), "IR");
    assert_non_null(strstr(cc_of("Narnia"), "not a country"));
    assert_non_null(strstr(cc_of("Deutschland"), "not a country")); /* English names only */
    assert_non_null(strstr(cc_of("U"), "not a country"));
    assert_non_null(strstr(cc_of(""), "not a country"));
    assert_non_null(strstr(cc_of("1X"), "not a country"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_country__alpha2),
        cmocka_unit_test(test_country__names_and_alpha3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
