/* attrs.h - the kinds of identity attribute an account can carry (the
 * attributes table): what the loader normalises per kind and what the
 * identity detectors (algorithms/identity.c) weigh per kind.
 */
#ifndef RINGSCAN_ATTRS_H
#define RINGSCAN_ATTRS_H

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

#endif
