/* ipaddr.c - see ipaddr.h. Parsing and formatting are inet_pton/inet_ntop,
 * which implement the RFC text forms; this file adds the length limit, the
 * IPv4-mapped folding and the reasons. */
#include "base/ipaddr.h"

#include "base/error.h"

#include <arpa/inet.h>
#include <string.h>

/* Dotted quad fast path (the common case on the ingest hot path): exactly
 * four decimal parts 0-255 without leading zeros. Anything else goes to
 * inet_pton, which decides. */
static int parse_v4(const char *s, size_t n, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (i >= n || s[i] != '.')
                return -1;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
            return -1;
        out[part] = (uint8_t)v;
    }
    return i == n ? 0 : -1;
}

int ipaddr_parse(const char *s, size_t n, ipaddr *out, rs_error *err)
{
    char tmp[IPADDR_STRLEN];
    if (n == 0) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "empty IP address");
        return -1;
    }
    if (n >= sizeof tmp) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "invalid IP address (too long)");
        return -1;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    memset(out, 0, sizeof *out);
    if (memchr(tmp, ':', n) == NULL) {
        if (parse_v4(s, n, out->b) == 0) {
            out->len = 4;
            return 0;
        }
        if (inet_pton(AF_INET, tmp, out->b) != 1) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "invalid IPv4 address");
            return -1;
        }
        out->len = 4;
        return 0;
    }
    uint8_t b6[16];
    if (inet_pton(AF_INET6, tmp, b6) != 1) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "invalid IPv6 address");
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
