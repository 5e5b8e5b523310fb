/* attrs.c - names of the identity attribute kinds; see attrs.h. */
#include "model/attrs.h"

const char *attrs_kind_name(attr_kind k)
{
    static const char *const names[ATTR_KIND_COUNT] = {
        "email",    "phone",      "name",          "address", "shipping_address",
        "document", "photo_hash", "payout_holder", "url",     "other"};
    if (k == ATTR_KIND_COUNT)
        return "text";
    return (unsigned)k < ATTR_KIND_COUNT ? names[k] : "?";
}
