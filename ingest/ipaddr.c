/* ipaddr.c - see ipaddr.h. Parsing and formatting are inet_pton/inet_ntop,
 * which implement the RFC text forms; this file adds the length limit, the
 * IPv4-mapped folding and the reasons. */
#include "ingest/ipaddr.h"

#include <arpa/inet.h>
#include <string.h>

int ipaddr_parse(const char *s, size_t n, ipaddr *out, const char **why)
{
    char tmp[IPADDR_STRLEN];
    if (n == 0) {
        *why = "empty IP address";
        return -1;
    }
    if (n >= sizeof tmp) {
        *why = "invalid IP address (too long)";
        return -1;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    memset(out, 0, sizeof *out);
    if (memchr(tmp, ':', n) == NULL) {
        if (inet_pton(AF_INET, tmp, out->b) != 1) {
            *why = "invalid IPv4 address";
            return -1;
        }
        out->len = 4;
        return 0;
    }
    uint8_t b6[16];
    if (inet_pton(AF_INET6, tmp, b6) != 1) {
        *why = "invalid IPv6 address";
        return -1;
    }
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(b6, mapped, sizeof mapped) == 0) {
        memcpy(out->b, b6 + 12, 4);
        out->len = 4;
    } else {
        memcpy(out->b, b6, 16);
        out->len = 16;
    }
    return 0;
}

char *ipaddr_format(const ipaddr *ip, char *buf)
{
    if (!inet_ntop(ip->len == 4 ? AF_INET : AF_INET6, ip->b, buf, IPADDR_STRLEN))
        buf[0] = '\0';
    return buf;
}
