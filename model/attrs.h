/* attrs.h - the kinds of identity attribute an account can carry (the
 * attributes table): what the loader normalises per kind and what the
 * identity detectors (algorithms/identity.c) weigh per kind.
 */
#ifndef RINGSCAN_ATTRS_H
#define RINGSCAN_ATTRS_H

#include <stddef.h>

typedef enum {
    ATTR_EMAIL,
    ATTR_PHONE,
    ATTR_NAME,
    ATTR_ADDRESS,
    ATTR_SHIPPING_ADDRESS,
    ATTR_DOCUMENT,
    ATTR_PHOTO_HASH,
    ATTR_PAYOUT_HOLDER,
    ATTR_URL,
    ATTR_OTHER, /* a kind ringscan does not know: a generic identity value */
    ATTR_KIND_COUNT
} attr_kind;

/* "email", "phone", ..., "other", and "text" for ATTR_KIND_COUNT (a cluster of
 * near-duplicate texts, a resource of its own); "?" beyond. Static. */
const char *attrs_kind_name(attr_kind k);

/* Whether a normalised name s[0..n) (space-separated tokens, normalize.h) is a
 * business's rather than a person's: it holds a company form or a trade word
 * (llc, ltd, inc, gmbh, ..., solutions, studio, agency, ...). One list for every
 * rule that must tell them apart: a business payout holder is no mismatch and no
 * one person's account (algorithms/identity.c), a business display name is no
 * name the account gives (ingest/normalize.c). O(n x list). */
int attrs_business_name(const char *s, size_t n);

#endif
