/* flags.c - the red-flag registry expanded into a table; see flags.h.
 *
 * One row per flag code, built at compile time from FLAG_LIST, so that the
 * table cannot disagree with the enum. Lookups are O(1); flags_with is
 * O(FLAG_COUNT).
 */
#include "model/flags.h"

#include <stdio.h>

/* acct_flags keeps one bit per flag in a uint32_t. */
_Static_assert(FLAG_COUNT <= 32, "acct_flags.bits holds one bit per flag");

#define FLAG_INFO_ROW(name, table, weight, slot, wdoc, family, props, step, ev, rule, meaning)     \
    {#name, meaning, table, weight, family, props, step, FLAG_EV_##ev},
static const flag_info flag_rows[FLAG_COUNT] = {FLAG_LIST(FLAG_INFO_ROW)};
#undef FLAG_INFO_ROW

const flag_info *flags_info(flag_code f)
{
    return (unsigned)f < FLAG_COUNT ? &flag_rows[f] : NULL;
}

const char *flags_name(flag_code f)
{
    return (unsigned)f < FLAG_COUNT ? flag_rows[f].name : "?";
}

const char *flags_meaning(flag_code f)
{
    return (unsigned)f < FLAG_COUNT ? flag_rows[f].meaning : "";
}

int flags_table(flag_code f)
{
    return (unsigned)f < FLAG_COUNT ? flag_rows[f].table : -1;
}

uint32_t flags_with(uint32_t props)
{
    uint32_t m = 0;
    for (int k = 0; k < FLAG_COUNT; k++)
        if ((flag_rows[k].props & props) == props)
            m |= 1u << k;
    return m;
}

void flags_text(const acct_flags *a, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < FLAG_COUNT; k++) {
        if (!(a->bits & (1u << k)))
            continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? ";" : "", flag_rows[k].name);
        if (w < 0 || (size_t)w >= n - len) {
            buf[len] = '\0'; /* a name that does not fit is left out whole */
            break;
        }
        len += (size_t)w;
    }
}

uint32_t flags_deception(const acct_flags *a)
{
    uint32_t firm = a->bits & ~a->weak, d = 0;
    for (int k = 0; k < FLAG_COUNT; k++) {
        uint32_t fam = flag_rows[k].family;
        if (!fam || !(firm & (1u << k)))
            continue;
        if (fam == DECEPTION_REMOTE && flag_rows[k].table == TABLE_PORTS && !a->remote_device)
            continue; /* the port seen only on an address: offices expose it too */
        d |= fam;
    }
    return d;
}

const char *flags_deception_name(uint32_t family)
{
    switch (family) {
    case DECEPTION_LOCATION:
        return "location";
    case DECEPTION_ANONYMITY:
        return "anonymity";
    case DECEPTION_REMOTE:
        return "remote access";
    case DECEPTION_MONEY:
        return "high-risk payouts";
    case DECEPTION_SELF_DEALING:
        return "self-dealing";
    case DECEPTION_IDENTITY:
        return "identity";
    default:
        return "?";
    }
}
