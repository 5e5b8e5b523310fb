/* test_ipaddr.c - IP parsing and canonical form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/ipaddr.h"

static const char *canon(const char *s, char *buf)
{
    ipaddr ip;
    rs_error why = {0};
    if (ipaddr_parse(s, strlen(s), &ip, &why) != 0)
        fail_msg("'%s' rejected: %s", s, why.msg);
    return ipaddr_format(&ip, buf);
}

static void test_ipaddr__v4(void **state)
{
    (void)state;
    char b[IPADDR_STRLEN];
    assert_string_equal(canon("1.2.3.4", b), "1.2.3.4");
    assert_string_equal(canon("255.255.255.255", b), "255.255.255.255");
}

static void test_ipaddr__v6_canonical(void **state)
{
    (void)state;
    char b[IPADDR_STRLEN];
    assert_string_equal(canon("2001:DB8:0:0:0:0:0:1", b), "2001:db8::1");
    assert_string_equal(canon("2001:db8::0:1", b), "2001:db8::1");
    assert_string_equal(canon("::1", b), "::1");
}

static void test_ipaddr__mapped_is_v4(void **state)
{
    (void)state;
    char b[IPADDR_STRLEN];
    ipaddr a, m;
    rs_error why;
    assert_int_equal(ipaddr_parse("::ffff:1.2.3.4", 14, &m, &why), 0);
    assert_int_equal(ipaddr_parse("1.2.3.4", 7, &a, &why), 0);
    assert_int_equal(m.len, 4);
    assert_memory_equal(&a, &m, sizeof a);
    assert_string_equal(canon("::FFFF:0102:0304", b), "1.2.3.4");
}

static void test_ipaddr__rejects(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         "1.2.3",
                         "1.2.3.999",
                         "1.2.3.4.5",
                         "a.b.c.d",
                         " 1.2.3.4",
                         "1.2.3.4 ",
                         "2001:db8::1::2",
                         "fe80::1%eth0",
                         "[::1]",
                         "::g",
                         "1234567890123456789012345678901234567890123456789"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ipaddr ip;
        rs_error why = {0};
        if (ipaddr_parse(bad[i], strlen(bad[i]), &ip, &why) == 0)
            fail_msg("'%s' accepted", bad[i]);
        assert_int_equal(why.code, RS_E_VALUE);
        assert_true(why.msg[0] != '\0');
        /* no error record: refused all the same, nothing written through NULL */
        assert_int_not_equal(ipaddr_parse(bad[i], strlen(bad[i]), &ip, NULL), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipaddr__v4),
        cmocka_unit_test(test_ipaddr__v6_canonical),
        cmocka_unit_test(test_ipaddr__mapped_is_v4),
        cmocka_unit_test(test_ipaddr__rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
