/* flags.c - the red-flag vocabulary; see flags.h. */
#include "model/flags.h"

#include <stdio.h>

static const char *const flag_names[FLAG_COUNT] = {
    "GEO_HOP",          "SHARED_IP",        "SHARED_DEVICE", "LONG_SESSION",        "REMOTE_ACCESS",
    "ANON_NETWORK",     "COUNTRY_MISMATCH", "RATING_BURST",  "RATING_LOCKSTEP",     "BID_SPAM",
    "HIGH_RISK_PAYOUT", "SHARED_PAYOUT",    "SELF_DEALING",  "STRUCTURED_CHARGES",  "RING_MEMBER",
    "SHARED_IDENTITY",  "TEXT_REUSE",       "NAME_MISMATCH", "EQUIPMENT_FORWARDING"};

const char *flags_name(flag_code f)
{
    return (unsigned)f < FLAG_COUNT ? flag_names[f] : "?";
}

const char *flags_meaning(flag_code f)
{
    static const char *const what[FLAG_COUNT] = {
        "logged in from two countries within hours",
        "shared an IP with other accounts at the same time",
        "shared a device",
        "stayed logged in for a day or more",
        "used IPs or devices exposing remote-desktop ports",
        "logged in from VPN, hosting or proxy networks",
        "logged in mostly from a country other than the one claimed",
        "gave or received high ratings in a burst",
        "belong to a dense block of clients rating the same freelancers highly",
        "bid heavily with almost nothing accepted",
        "were paid out repeatedly to high-risk countries they do not claim",
        "were paid into a payout account shared with others",
        "rated or paid an account they share infrastructure with",
        "received many small charges from one client",
        "",
        "share a phone, email, ID document or photo with accounts under other names",
        "re-used near-identical bid or profile text written under other accounts",
        "are paid into accounts held under another person's name",
        "had equipment shipped to an address that receives it for several people, or abroad"};
    return (unsigned)f < FLAG_COUNT ? what[f] : "";
}

int flags_table(flag_code f)
{
    static const int table[FLAG_COUNT] = {
        TABLE_LOGINS,     TABLE_LOGINS,  TABLE_LOGINS,     TABLE_LOGINS,    TABLE_PORTS,
        TABLE_LOGINS,     TABLE_LOGINS,  TABLE_RATINGS,    TABLE_RATINGS,   TABLE_BIDS,
        TABLE_PAYOUTS,    TABLE_PAYOUTS, TABLE_RATINGS,    TABLE_CHARGES,   -1,
        TABLE_ATTRIBUTES, TABLE_BIDS,    TABLE_ATTRIBUTES, TABLE_ATTRIBUTES};
    return (unsigned)f < FLAG_COUNT ? table[f] : -1;
}

void flags_text(const acct_flags *a, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < FLAG_COUNT; k++) {
        if (!(a->bits & (1u << k)))
            continue;
        int w = snprintf(buf + len, n - len, "%s%s", len ? ";" : "", flag_names[k]);
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
    if (firm & ((1u << FLAG_GEO_HOP) | (1u << FLAG_COUNTRY_MISMATCH)))
        d |= DECEPTION_LOCATION;
    if (firm & (1u << FLAG_ANON_NETWORK))
        d |= DECEPTION_ANONYMITY;
    if ((firm & (1u << FLAG_REMOTE_ACCESS)) && a->remote_device)
        d |= DECEPTION_REMOTE;
    if (firm & (1u << FLAG_HIGH_RISK_PAYOUT))
        d |= DECEPTION_MONEY;
    if (firm & (1u << FLAG_SELF_DEALING))
        d |= DECEPTION_SELF_DEALING;
    if (firm & ((1u << FLAG_NAME_MISMATCH) | (1u << FLAG_SHARED_IDENTITY) |
                (1u << FLAG_EQUIPMENT_FORWARDING)))
        d |= DECEPTION_IDENTITY;
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
