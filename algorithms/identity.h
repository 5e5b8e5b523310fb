/* identity.h - links between accounts through who they say they are and
 * what they write: shared phones, emails, documents, photos and addresses
 * (the attributes table, normalised by the loader) and near-duplicate bid
 * and profile text (the text columns); and the flags they raise.
 *
 * Resources. Every normalised attribute value is a resource of its kind;
 * photo hashes within photo_max_bits of each other are one resource (the
 * group's first hash, algorithms/hamming.h); each cluster of near-duplicate
 * texts written by two or more accounts (algorithms/textsim.h) is a resource
 * of kind IDENT_TEXT. Names are not resources: they say whether the accounts
 * sharing a resource are one person, one family or strangers. A payout holder
 * naming a person (two tokens besides initials, not a business) is a resource
 * under its tokens without initials, so its spellings are one holder; its users
 * are the accounts paid to it that are not named like it; it links only when it
 * raises SHARED_HOLDER (bits 0 otherwise: no pairs, not listed).
 *
 * Names. Two normalised names are related when they share a token (one person
 * written two ways, or one family); a payout holder that is a business (a
 * token such as llc, ltd, inc, gmbh) is never a mismatch.
 *
 * Weights (docs/detection.md, "Identity and text"): a phone, email, document,
 * photo or URL shared by at most cap_identity accounts ties them like a device
 * (w_identity / (degree - 1)^degree_exponent per pair); a home address, an
 * unknown kind and a text cluster link weakly (they attach only as far as the
 * accounts' own flags corroborate: families share an address, cohorts a
 * template); a shipping address ties when it is a forwarding point.
 *
 * Flags:
 *   SHARED_IDENTITY       a phone, email, document, photo or URL shared with an
 *                         account under an unrelated name;
 *   NAME_MISMATCH         paid into an account held under a name unrelated to
 *                         every name the account gives;
 *   EQUIPMENT_FORWARDING  its shipping address receives equipment for accounts
 *                         of at least forwarding_min_names unrelated names,
 *                         RULES_FORWARDING_MIN_DOUBTFUL of whom give a doubtful
 *                         identity of their own (NAME_MISMATCH, SHARED_HOLDER,
 *                         SHARED_IDENTITY), and is not a company's (half of
 *                         them sharing one email domain that is not a public
 *                         mail service);
 *   SHARED_HOLDER         paid into a holder not named like it, as another
 *                         account is that gives a name unrelated to its own;
 *   TEXT_REUSE            wrote a text near-duplicate (shingle Jaccard >=
 *                         text_jaccard) of one another account wrote, in a
 *                         cluster of at most cap_text accounts.
 * All but TEXT_REUSE are deception (DECEPTION_IDENTITY).
 * identity.c also holds their evidence rules (evrule.h).
 *
 * Cost: O(A log A) for A attributes, plus the text clustering (near-linear in
 * the distinct (account, text) pairs), plus min(degree, cap)^2 pairs per
 * resource. Deterministic: everything is in id order.
 */
#ifndef RINGSCAN_IDENTITY_H
#define RINGSCAN_IDENTITY_H

#include "algorithms/detect_params.h"
#include "algorithms/projection.h"
#include "graph/graph.h"
#include "model/attrs.h"
#include "model/findings.h"

#include <stddef.h>
#include <stdint.h>

#define IDENT_TEXT ATTR_KIND_COUNT /* the kind of a text-cluster resource */

enum {
    IDENT_TIES = 1,      /* binds its users like a device */
    IDENT_DECEPTIVE = 2, /* joins unrelated names, or forwards equipment */
    IDENT_WEAK = 4,      /* links its users weakly */
    IDENT_CAPPED = 8,    /* used by more accounts than its kind's cap: no pairs */
    IDENT_OPERATOR = 16  /* a deceptive contact detail of accounts paid in others' names */
};

typedef struct {
    uint32_t nvalues;    /* resources [0, nvalues) are graph.ident ids */
    uint32_t nres;       /* then text clusters: resource nvalues + c */
    uint32_t *off;       /* nres + 1: the users of r are acct[off[r], off[r + 1]) */
    uint32_t *acct;      /* ascending per resource; only shared resources list them */
    uint8_t *kind;       /* per resource: attr_kind or IDENT_TEXT */
    uint8_t *bits;       /* per resource: IDENT_* */
    uint32_t *value_res; /* per graph.ident value: its resource (photo hashes: their group's) */
    /* Per distinct (account, text): the text cluster, or UINT32_MAX. */
    uint32_t *doc_account, *doc_text, *doc_cluster;
    size_t ndocs;
    uint64_t text_candidates, text_pairs_verified, capped;
    double seconds_text;
} ident_index;

/* Builds the resources of g (empty when g holds no identity data), with the
 * text clustering on `threads` threads (the result does not depend on it). */
void identity_build(ident_index *ix, const rs_graph *g, const detect_params *p, int threads);
void identity_free(ident_index *ix);

/* The users of resource r when it is shared, else 0. */
static inline uint32_t identity_degree(const ident_index *ix, uint32_t r)
{
    return ix->off[r + 1] - ix->off[r];
}

/* Classifies the resources (bits) and raises SHARED_IDENTITY, NAME_MISMATCH,
 * EQUIPMENT_FORWARDING and TEXT_REUSE in fl (one entry per account). */
void identity_flags(ident_index *ix, const rs_graph *g, const detect_params *p, acct_flags *fl);

/* Adds the pairs of every shared resource under its kind's cap to pm (after
 * identity_flags). Resources over their cap are counted in *capped. */
void identity_project(projection *pm, const ident_index *ix, const detect_params *p,
                      uint64_t *capped);

/* Records in out what the flags were raised on, for evidence selection
 * (findings.value_bits, findings.reused_texts). */
void identity_evidence(const ident_index *ix, findings *out);

/* After scoring: moves the shared resources into out->ident and gives each
 * ring the resources two or more of its accounts share (ring.ident). The
 * index keeps bits, value_res and the docs; free it as usual. O(sum of the
 * shared resources' degrees, capped by their kind's cap). */
void identity_publish(ident_index *ix, findings *out);

#endif
