/* test_useragent.c - which user agents name a remote-desktop client: the ones
 * the clients send (and the simulator writes) do, whatever their case; the
 * browsers' ordinary agents and an empty value do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
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

/* Every product of the table, in upper and mixed case, at the start, in the
 * middle and at the very end of an agent; a token cut by the length given is
 * no match, even when the bytes after it would complete it. */
static void test_useragent__every_client_anywhere(void **state)
{
    (void)state;
    static const char *const names[] = {
        "REMOTE DESKTOP", "Mstsc",     "MSRDC",        "rDesktop",   "FreeRDP",
        "Remmina",        "CRREMOTEDESKTOP", "RemoteDesktop.Google", "AnyDesk",
        "TEAMVIEWER",     "RustDesk",  "Parsec",       "VNC",        "SplashTop",
        "ScreenConnect",  "LogMeIn",   "NoMachine",    "Guacamole",  "Jump Desktop",
        "RemotePC",       "Zoho Assist",
    };
    char buf[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t m = strlen(names[i]);
        snprintf(buf, sizeof buf, "%s/1.0", names[i]);
        assert_true(remote(buf));
        snprintf(buf, sizeof buf, "Mozilla/5.0 (%s; x64)", names[i]);
        assert_true(remote(buf));
        snprintf(buf, sizeof buf, "agent %s", names[i]);
        assert_true(remote(buf));
        /* "agent " and the token cut one byte short: nothing left to match */
        assert_false(useragent_remote_desktop(buf, strlen("agent ") + m - 1));
        /* the first two letters in each of their four cases */
        for (unsigned v = 0; v < 4; v++) {
            snprintf(buf, sizeof buf, "x %s", names[i]);
            for (unsigned k = 0; k < 2; k++) {
                char *c = &buf[2 + k];
                *c = (char)((v >> k & 1) ? toupper((unsigned char)*c) : tolower((unsigned char)*c));
            }
            assert_true(remote(buf));
        }
    }
    assert_false(useragent_remote_desktop("anydesk", 6));
    assert_false(useragent_remote_desktop(NULL, 0));
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
        cmocka_unit_test(test_useragent__every_client_anywhere),
        cmocka_unit_test(test_useragent__browsers_are_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
