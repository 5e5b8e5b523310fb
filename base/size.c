/* size.c - byte sizes with binary suffixes; see size.h. */
#include "base/size.h"

#include <errno.h>
#include <stdlib.h>

int size_parse(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'K':
    case 'k':
        shift = 10;
        end++;
        break;
    case 'M':
    case 'm':
        shift = 20;
        end++;
        break;
    case 'G':
    case 'g':
        shift = 30;
        end++;
        break;
    case 'T':
    case 't':
        shift = 40;
        end++;
        break;
    default:
        break;
    }
    if (shift && *end == 'i')
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v > ((uint64_t)INT64_MAX >> shift)) /* sizes stay signed-64 for JSON */
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}
