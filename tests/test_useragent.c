/* test_useragent.c - which user agents name a remote-desktop client: the ones
 * the clients send (and the simulator writes) do, whatever their case; the
 * browsers' ordinary agents and an empty value do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ingest/useragent.h"

static int remote(const char *s)
{
    return useragent_remote_desktop(s, strlen(s));
}

static void test_useragent__remote_clients(void **state)
{
    (void)state;
    static const char *const clients[] = {
        "Microsoft Remote Desktop/10.9.5 (Windows NT 10.0)",
        "AnyDesk/8.0.9 (Windows)",
        "TeamViewer/15.52 (Windows 10)",
        "mstsc.exe",
        "Mozilla/5.0 (X11; Linux x86_64) CrRemoteDesktop/124.0",
        "Chrome Remote Desktop/124.0.6367.60",
        "RustDesk/1.2.3",
        "Parsec/150-93",
        "VNC Viewer/7.10.0 (RealVNC)",
        "tightvnc",
        "FreeRDP/2.11.2",
        "Splashtop Business/3.6",
        "ANYDESK",
    };
    for (size_t i = 0; i < sizeof clients / sizeof clients[0]; i++)
        assert_true(remote(clients[i]));
}

static void test_useragent__browsers_are_not(void **state)
{
    (void)state;
    static const char *const browsers[] = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
        "okhttp/4.12.0",
        "",
    };
    for (size_t i = 0; i < sizeof browsers / sizeof browsers[0]; i++)
        assert_false(remote(browsers[i]));
    assert_false(useragent_remote_desktop(NULL, 0));
    /* a name cut short is not the name */
    assert_false(useragent_remote_desktop("AnyDesk/8", 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_useragent__remote_clients),
        cmocka_unit_test(test_useragent__browsers_are_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
