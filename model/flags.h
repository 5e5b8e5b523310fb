/* flags.h - the red-flag vocabulary: what ringscan can say about an account.
 *
 * Detectors raise flags on accounts with a count of supporting events;
 * writers print their names and meanings. The codes are stable: their names
 * appear in accounts.csv, rings.json, the configuration (weight_<FLAG>) and
 * docs/detection.md.
 */
#ifndef RINGSCAN_FLAGS_H
#define RINGSCAN_FLAGS_H

#include "model/records.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    FLAG_GEO_HOP,
    FLAG_SHARED_IP,
    FLAG_SHARED_DEVICE,
    FLAG_LONG_SESSION,
    FLAG_REMOTE_ACCESS,
    FLAG_ANON_NETWORK,
    FLAG_COUNTRY_MISMATCH,
    FLAG_RATING_BURST,
    FLAG_RATING_LOCKSTEP,
    FLAG_BID_SPAM,
    FLAG_HIGH_RISK_PAYOUT,
    FLAG_SHARED_PAYOUT,
    FLAG_SELF_DEALING,
    FLAG_STRUCTURED_CHARGES,
    FLAG_RING_MEMBER,
    /* Identity and text (the attributes table and the text columns); after
     * RING_MEMBER so that the codes above keep their values. */
    FLAG_SHARED_IDENTITY,
    FLAG_TEXT_REUSE,
    FLAG_NAME_MISMATCH,
    FLAG_EQUIPMENT_FORWARDING,
    FLAG_COUNT
} flag_code;

/* Kinds of burst evidence (algorithms/behav.c): a client's high ratings, its
 * hires, charges on a payment instrument it uses, new accounts on an IP it
 * used. */
enum { BURST_RATINGS, BURST_HIRES, BURST_CHARGES, BURST_IP_ACCOUNTS, BURST_KINDS };

/* An account's flags and their evidence counts. */
typedef struct {
    uint32_t bits;                 /* 1 << flag_code */
    uint32_t weak;                 /* flags resting only on another account's behaviour, or
                                    * on a single actor's, that nothing else ties it to (see
                                    * flags_raise_weak); a subset of bits */
    uint32_t evidence[FLAG_COUNT]; /* supporting events (or resources) per flag */
    uint8_t remote_device;         /* REMOTE_ACCESS seen on one of its devices */
    uint16_t bursts[BURST_KINDS];  /* bursts it took part in (evidence) */
} acct_flags;

/* "GEO_HOP", ... ("?" for an invalid code). Static. */
const char *flags_name(flag_code f);

/* What accounts carrying f did, as the end of a sentence starting "N of M
 * accounts ..." ("logged in from two countries within hours"); "" for
 * RING_MEMBER. Static. */
const char *flags_meaning(flag_code f);

/* The input table whose rows show f (the login from another country, the
 * payout to a high-risk destination, ...), or -1 when no row does. */
int flags_table(flag_code f);

/* Raises f on an account with n more supporting events. */
static inline void flags_raise(acct_flags *a, flag_code f, uint32_t n)
{
    a->bits |= 1u << f;
    a->weak &= ~(1u << f);
    a->evidence[f] += n;
}

/* Raises f as a weak flag: one the account only received from another actor (rated in
 * someone's burst, paid in someone's instalments) with nothing else tying it to that
 * actor, or a single actor's behaviour towards accounts that are tied to nothing. It is
 * shown, but corroborates little. A flag raised firmly too (flags_raise, in any order)
 * is not weak. */
static inline void flags_raise_weak(acct_flags *a, flag_code f, uint32_t n)
{
    if (!(a->bits & (1u << f)))
        a->weak |= 1u << f;
    a->bits |= 1u << f;
    a->evidence[f] += n;
}

static inline int flags_has(const acct_flags *a, flag_code f)
{
    return (a->bits >> f) & 1u;
}

/* Families of deception: what a disguised proxy account does that an honest one does
 * not (docs/detection.md, "Ring kinds"). */
enum {
    DECEPTION_LOCATION = 1,  /* logs in from elsewhere than it claims: GEO_HOP, COUNTRY_MISMATCH */
    DECEPTION_ANONYMITY = 2, /* anonymising networks: ANON_NETWORK */
    DECEPTION_REMOTE = 4,    /* remote-desktop software on its own device: REMOTE_ACCESS */
    DECEPTION_MONEY = 8,     /* paid into a high-risk country it does not claim */
    DECEPTION_SELF_DEALING = 16, /* pays or rates an account it shares infrastructure with */
    DECEPTION_IDENTITY = 32      /* presents a name its payout account, its shared phone, email,
                                    document or photo, or its equipment address contradicts:
                                    NAME_MISMATCH, SHARED_IDENTITY, EQUIPMENT_FORWARDING */
};
#define DECEPTION_FAMILIES 6

/* The deception families an account's own firm flags show (a bit set of DECEPTION_*).
 * REMOTE_ACCESS counts only when the software is on one of its devices: offices and
 * cloud desktops expose remote-desktop ports on their addresses honestly. */
uint32_t flags_deception(const acct_flags *a);
/* "location", "anonymity", "remote access", "high-risk payouts", "self-dealing", "identity" for one
 * DECEPTION_* bit. Static. */
const char *flags_deception_name(uint32_t family);

/* Room for every flag name joined by ';'. */
#define FLAGS_TEXT_MAX 400

/* "FLAG1;FLAG2" in code order into buf (size n, truncated at a name). */
void flags_text(const acct_flags *a, char *buf, size_t n);

#endif
