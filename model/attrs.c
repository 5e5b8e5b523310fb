/* attrs.c - names of the identity attribute kinds; see attrs.h. */
#include "model/attrs.h"

#include <string.h>

/* Whether token t[0..tn) occurs in the space-separated s[0..sn). */
static int has_token(const char *s, size_t sn, const char *t, size_t tn)
{
    size_t i = 0;
    while (i < sn) {
        size_t j = i;
        while (j < sn && s[j] != ' ')
            j++;
        if (j - i == tn && memcmp(s + i, t, tn) == 0)
            return 1;
        i = j + 1;
    }
    return 0;
}

int attrs_business_name(const char *s, size_t n)
{
    static const char *const words[] = {
        "llc",     "ltd",   "inc",      "gmbh",      "corp",         "corporation", "company",
        "limited", "plc",   "llp",      "srl",       "sarl",         "bv",          "pty",
        "ag",      "oy",    "holdings", "solutions", "technologies", "consulting",  "agency",
        "studio",  "group", "services", "labs",      "software",     "enterprises"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (has_token(s, n, words[i], strlen(words[i])))
            return 1;
    return 0;
}

const char *attrs_kind_name(attr_kind k)
{
    static const char *const names[ATTR_KIND_COUNT] = {
        "email",    "phone",      "name",          "address", "shipping_address",
        "document", "photo_hash", "payout_holder", "url",     "other"};
    if (k == ATTR_KIND_COUNT)
        return "text";
    return (unsigned)k < ATTR_KIND_COUNT ? names[k] : "?";
}
