/* ipaddr.h - IP address parsing and canonical form.
 *
 * An address is kept as 16 bytes plus a length: 4 for IPv4, 16 for IPv6. An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is stored as the IPv4 address, so
 * one host is one graph node whichever way a log wrote it. The canonical text
 * form is dotted quad for IPv4 and RFC 5952 (lower case, longest zero run
 * compressed) for IPv6.
 */
#ifndef RINGSCAN_IPADDR_H
#define RINGSCAN_IPADDR_H

#include "base/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t len; /* 4 or 16 */
    uint8_t b[16];
} ipaddr;

#define IPADDR_STRLEN 46

/* Parses s[0..n) (no surrounding spaces, no zone id, no brackets). Returns 0,
 * or -1 with the reason as err's message (code RS_E_VALUE); err may be NULL. */
int ipaddr_parse(const char *s, size_t n, ipaddr *out, rs_error *err);

/* Writes the canonical text form into buf (IPADDR_STRLEN bytes). Returns buf. */
char *ipaddr_format(const ipaddr *ip, char *buf);

#endif
