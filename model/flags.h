/* flags.h - the red-flag vocabulary: what ringscan can say about an account.
 *
 * Detectors raise flags on accounts with a count of supporting events;
 * writers print their names and meanings. Everything about a flag beyond its
 * detector is one row of the registry below (FLAG_LIST): scoring, detection
 * parameters, evidence selection and the writers read it and name no flag.
 * The codes are stable: their names appear in accounts.csv, rings.json, the
 * configuration (weight_<FLAG>) and docs/detection.md.
 */
#ifndef RINGSCAN_FLAGS_H
#define RINGSCAN_FLAGS_H

#include "model/records.h"

#include <stddef.h>
#include <stdint.h>

/* Families of deception: what a disguised proxy account does that an honest one does
 * not (docs/detection.md, "Ring kinds"). */
enum {
    DECEPTION_LOCATION = 1,      /* logs in from elsewhere than it claims */
    DECEPTION_ANONYMITY = 2,     /* anonymising networks */
    DECEPTION_REMOTE = 4,        /* remote-desktop software on its own device */
    DECEPTION_MONEY = 8,         /* paid into a high-risk country it does not claim */
    DECEPTION_SELF_DEALING = 16, /* pays or rates an account it shares infrastructure with */
    DECEPTION_IDENTITY = 32      /* presents a name its payout account, its shared phone, email,
                                    document or photo, or its equipment address contradicts */
};
#define DECEPTION_FAMILIES 6

/* Properties of a flag (flag_info.props), read by scoring and the writers. */
enum {
    FLAG_P_STRONG = 1,    /* the case page's "strongest facts" list it before the rest:
                           * deception or collusion of the account itself, which sharing
                           * alone does not explain */
    FLAG_P_COLLUSION = 2, /* collusion: with deception, makes a bound account deceptive */
    FLAG_P_IDENTITY = 4,  /* raised only from identity data (the attributes table, text
                           * columns): the run's summary lists it only when the input has
                           * them */
    FLAG_P_DERIVED = 8    /* derived from the ring, not a fact about the account: no
                           * meaning, left out of facts, summaries and explanations */
};

/* The next-step paragraph of the case page a flag calls for (export/report.c). */
typedef enum {
    FLAG_STEP_NONE,
    FLAG_STEP_PAYOUTS, /* ask the payment provider about the payout accounts */
    FLAG_STEP_DEVICES, /* pull the devices' login history and remote-desktop observations */
    FLAG_STEP_RATINGS  /* review the ratings */
} flag_step;

/* How evidence selection (algorithms/evsel.c) shows a flag. */
typedef enum {
    FLAG_EV_NONE,        /* no input row shows it */
    FLAG_EV_ROW,         /* rows of its table that pass its row rule */
    FLAG_EV_PAIR_IP,     /* pairs of logins by two ring accounts on one IP */
    FLAG_EV_PAIR_DEVICE, /* pairs of logins by two ring accounts on one device */
} flag_evidence;

/* clang-format off */
/* FLAG_LIST(X): the flag registry, one row per flag in code order. Every fact about a
 * flag that more than its detector needs is here; everything else (the enum, the
 * names, the weights and their place in the parameter table, the evidence rules)
 * is expanded from these rows, so a new flag is one row here, its detector and its
 * evidence rule (docs/architecture.md, "How to add a red flag"). The codes are
 * stable: a new flag goes last.
 *
 *   X(NAME, TABLE, WEIGHT, SLOT, WEIGHT_DOC, FAMILY, PROPS, STEP, EV, RULE, MEANING)
 *
 * NAME     the code is FLAG_<NAME>, the name "<NAME>", the weight key weight_<NAME>
 * TABLE    the input table whose rows show it (TABLE_*), or -1
 * WEIGHT   the default of weight_<NAME> (detect_params.fw), in [0,1]
 * SLOT     where weight_<NAME> stands in the parameter table, the configuration's
 *          record and docs/config.md: LOGIN (after the Leiden parameters), BEHAVIOUR
 *          (after weak_flag_factor), IDENTITY (last, an identity parameter, recorded
 *          only when changed) or NONE (no weight key; the weight is WEIGHT)
 * WEIGHT_DOC  the key's documentation
 * FAMILY   the DECEPTION_* family a firm flag shows, or 0
 * PROPS    FLAG_P_* bits
 * STEP     the case page's next step it calls for (flag_step)
 * EV       how evidence shows it: NONE, ROW, PAIR_IP, PAIR_DEVICE (flag_evidence)
 * RULE     its evidence rule, a function beside its detector (algorithms/evrule.h
 *          declares it from this row; unused with EV NONE)
 * MEANING  what accounts carrying it did, ending a sentence "N of M accounts ..." */
#define FLAG_LIST(X)                                                                                 \
    X(GEO_HOP, TABLE_LOGINS, 0.30, LOGIN, "own-flag weight",                                          \
      DECEPTION_LOCATION, FLAG_P_STRONG, FLAG_STEP_NONE, ROW, loginflags_shows_geo_hop,                \
      "logged in from two countries within hours")                                                    \
    X(SHARED_IP, TABLE_LOGINS, 0.0, LOGIN, "own-flag weight",                                         \
      0, 0, FLAG_STEP_NONE, PAIR_IP, projection_pairs_shared_ip,                                       \
      "shared an IP with other accounts at the same time")                                            \
    X(SHARED_DEVICE, TABLE_LOGINS, 0.10, LOGIN, "own-flag weight",                                    \
      0, 0, FLAG_STEP_DEVICES, PAIR_DEVICE, loginflags_pairs_shared_device,                            \
      "shared a device")                                                                              \
    X(LONG_SESSION, TABLE_LOGINS, 0.25, LOGIN, "own-flag weight",                                     \
      0, 0, FLAG_STEP_NONE, ROW, loginflags_shows_long_session,                                        \
      "stayed logged in for a day or more")                                                           \
    X(REMOTE_ACCESS, TABLE_PORTS, 0.20, LOGIN,                                                        \
      "own-flag weight when the remote-desktop port is seen on an IP",                                \
      DECEPTION_REMOTE, FLAG_P_STRONG, FLAG_STEP_DEVICES, ROW, loginflags_shows_remote_access,         \
      "used IPs or devices exposing remote-desktop ports or logged in through remote-desktop "      \
      "clients")                                                                                      \
    X(ANON_NETWORK, TABLE_LOGINS, 0.35, BEHAVIOUR, "own-flag weight",                                 \
      DECEPTION_ANONYMITY, FLAG_P_STRONG, FLAG_STEP_NONE, ROW, loginflags_shows_anon_network,          \
      "logged in from VPN, hosting or proxy networks")                                                \
    X(COUNTRY_MISMATCH, TABLE_LOGINS, 0.50, BEHAVIOUR, "own-flag weight",                             \
      DECEPTION_LOCATION, FLAG_P_STRONG, FLAG_STEP_NONE, ROW, loginflags_shows_country_mismatch,       \
      "logged in mostly from a country other than the one claimed")                                   \
    X(RATING_BURST, TABLE_RATINGS, 0.35, BEHAVIOUR, "own-flag weight",                                \
      0, FLAG_P_STRONG | FLAG_P_COLLUSION, FLAG_STEP_RATINGS, ROW, behav_shows_rating_burst,           \
      "gave or received high ratings in a burst")                                                     \
    X(RATING_LOCKSTEP, TABLE_RATINGS, 0.45, BEHAVIOUR, "own-flag weight",                             \
      0, FLAG_P_STRONG | FLAG_P_COLLUSION, FLAG_STEP_RATINGS, ROW, behav_shows_rating_lockstep,        \
      "belong to a dense block of clients rating the same freelancers highly")                        \
    X(BID_SPAM, TABLE_BIDS, 0.30, BEHAVIOUR, "own-flag weight",                                       \
      0, 0, FLAG_STEP_NONE, ROW, behav_shows_bid_spam,                                                 \
      "bid heavily with almost nothing accepted")                                                     \
    X(HIGH_RISK_PAYOUT, TABLE_PAYOUTS, 0.35, BEHAVIOUR, "own-flag weight",                            \
      DECEPTION_MONEY, FLAG_P_STRONG, FLAG_STEP_PAYOUTS, ROW, behav_shows_high_risk_payout,            \
      "were paid out repeatedly to high-risk countries they do not claim")                            \
    X(SHARED_PAYOUT, TABLE_PAYOUTS, 0.10, BEHAVIOUR, "own-flag weight",                               \
      0, 0, FLAG_STEP_PAYOUTS, ROW, behav_shows_shared_payout,                                         \
      "were paid into a payout account shared with others")                                           \
    X(SELF_DEALING, TABLE_RATINGS, 0.50, BEHAVIOUR, "own-flag weight",                                \
      DECEPTION_SELF_DEALING, FLAG_P_STRONG | FLAG_P_COLLUSION, FLAG_STEP_NONE, ROW,                   \
      behav_shows_self_dealing,                                                                       \
      "rated or paid an account they share infrastructure with")                                      \
    X(STRUCTURED_CHARGES, TABLE_CHARGES, 0.40, BEHAVIOUR, "own-flag weight",                          \
      0, FLAG_P_STRONG, FLAG_STEP_NONE, ROW, behav_shows_structured_charges,                           \
      "received many small charges from one client")                                                  \
    X(RING_MEMBER, -1, 0.0, NONE, "",                                                                 \
      0, FLAG_P_DERIVED, FLAG_STEP_NONE, NONE, no_rule,                                                \
      "")                                                                                             \
    /* Identity and text (the attributes table and the text columns); after             */          \
    /* RING_MEMBER so that the codes above keep their values.                           */          \
    X(SHARED_IDENTITY, TABLE_ATTRIBUTES, 0.45, IDENTITY, "own-flag weight",                           \
      DECEPTION_IDENTITY, FLAG_P_IDENTITY, FLAG_STEP_NONE, ROW, identity_shows_shared_identity,        \
      "share a phone, email, ID document or photo with accounts under other names")                   \
    X(TEXT_REUSE, TABLE_BIDS, 0.15, IDENTITY, "own-flag weight",                                      \
      0, FLAG_P_IDENTITY, FLAG_STEP_NONE, ROW, identity_shows_text_reuse,                              \
      "re-used near-identical bid or profile text written under other accounts")                      \
    X(NAME_MISMATCH, TABLE_ATTRIBUTES, 0.30, IDENTITY, "own-flag weight",                             \
      DECEPTION_IDENTITY, FLAG_P_IDENTITY, FLAG_STEP_NONE, ROW, identity_shows_name_mismatch,          \
      "are paid into accounts held under another person's name")                                      \
    X(EQUIPMENT_FORWARDING, TABLE_ATTRIBUTES, 0.35, IDENTITY, "own-flag weight",                      \
      DECEPTION_IDENTITY, FLAG_P_IDENTITY, FLAG_STEP_NONE, ROW, identity_shows_equipment_forwarding,   \
      "had equipment shipped to an address that receives it for several people, or abroad")           \
    X(SHARED_HOLDER, TABLE_ATTRIBUTES, 0.35, IDENTITY, "own-flag weight",                             \
      DECEPTION_IDENTITY, FLAG_P_IDENTITY, FLAG_STEP_PAYOUTS, ROW, identity_shows_shared_holder,       \
      "were paid into a third person's account, as accounts under other names were")                  \
    X(FARM_LINE, TABLE_LOGINS, 0.40, BEHAVIOUR, "own-flag weight",                                   \
      DECEPTION_REMOTE, FLAG_P_STRONG, FLAG_STEP_DEVICES, ROW, loginflags_shows_farm_line,           \
      "lived with two or more others on a line where remote-desktop ports or clients were seen")   \
    X(RATING_CONCENTRATION, TABLE_RATINGS, 0.45, BEHAVIOUR, "own-flag weight",                       \
      0, FLAG_P_STRONG | FLAG_P_COLLUSION, FLAG_STEP_RATINGS, ROW,                                   \
      concentration_shows_rating_concentration,                                                      \
      "gave or received high ratings concentrated in clients paying with the same few cards")      \
    X(OFF_HOURS, TABLE_LOGINS, 0.30, BEHAVIOUR, "own-flag weight",                                   \
      0, 0, FLAG_STEP_NONE, ROW, loginflags_shows_off_hours,                                         \
      "logged in mostly outside the working day of the country they claim and where they log in")  \
    X(HANDOVER, TABLE_LOGINS, 0.90, BEHAVIOUR,                                                      \
      "own-flag weight; alone below the threshold, with any other red flag above it",               \
      DECEPTION_IDENTITY, FLAG_P_STRONG, FLAG_STEP_PAYOUTS, ROW, handover_shows_handover,           \
      "changed hands: from one date, all-new devices, a new payout account, and new hours or networks")
/* clang-format on */

#define FLAG_ENUM_ROW(name, ...) FLAG_##name,
typedef enum { FLAG_LIST(FLAG_ENUM_ROW) FLAG_COUNT } flag_code;
#undef FLAG_ENUM_ROW

/* A flag's registry row, as the program reads it (flags_info). */
typedef struct {
    const char *name;       /* "GEO_HOP" */
    const char *meaning;    /* "logged in from two countries within hours"; "" if derived */
    int table;              /* TABLE_* whose rows show it, or -1 */
    double weight;          /* default own-flag weight */
    uint32_t family;        /* DECEPTION_* bit, or 0 */
    uint32_t props;         /* FLAG_P_* bits */
    flag_step step;         /* next step on the case page */
    flag_evidence evidence; /* how evidence selection shows it */
} flag_info;

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
    uint32_t farm_line;            /* FARM_LINE: the IP id + 1 of the line it lives on, 0
                                    * when it carries no FARM_LINE */
    int64_t handover_at;           /* HANDOVER: the first event of the operated period (ms),
                                    * 0 when it carries no HANDOVER; the rows before it are
                                    * the owner's baseline */
    uint16_t bursts[BURST_KINDS];  /* bursts it took part in (evidence) */
} acct_flags;

/* "GEO_HOP", ... ("?" for an invalid code). Static. */
const char *flags_name(flag_code f);

/* What accounts carrying f did, as the end of a sentence starting "N of M
 * accounts ..." ("logged in from two countries within hours"); "" for a
 * flag derived from the ring (FLAG_P_DERIVED). Static. */
const char *flags_meaning(flag_code f);

/* The input table whose rows show f (the login from another country, the
 * payout to a high-risk destination, ...), or -1 when no row does. */
int flags_table(flag_code f);

/* f's registry row (borrowed, static); NULL for an invalid code. */
const flag_info *flags_info(flag_code f);

/* The flags whose registry rows carry every FLAG_P_* bit of props, as a bit set
 * (1 << flag_code). */
uint32_t flags_with(uint32_t props);

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

/* The deception families an account's own firm flags show (a bit set of DECEPTION_*,
 * each flag's family from the registry). DECEPTION_REMOTE counts only when the
 * software is on one of its devices: offices and cloud desktops expose
 * remote-desktop ports on their addresses honestly. */
uint32_t flags_deception(const acct_flags *a);
/* "location", "anonymity", "remote access", "high-risk payouts", "self-dealing", "identity" for one
 * DECEPTION_* bit. Static. */
const char *flags_deception_name(uint32_t family);

/* Room for every flag name joined by ';'. */
#define FLAGS_TEXT_MAX 400

/* "FLAG1;FLAG2" in code order into buf (size n, truncated at a name). */
void flags_text(const acct_flags *a, char *buf, size_t n);

#endif
