/* vendor.c - the vendor sources recognised by content (ingest/vendor.h).
 *
 * This placeholder recognises no vendor yet, so every file that is neither a
 * contract table nor read through a config mapping is refused with the list
 * below; the recognisers and their built-in mappings replace it.
 */
#include "ingest/vendor.h"

#include <stddef.h>

/* Recognises nothing: returns 0 and leaves *out NULL. */
int vendor_recognise(const json_t *record, mapping **out, rs_error *err)
{
    (void)record;
    (void)err;
    *out = NULL;
    return 0;
}

/* Static text. */
const char *vendor_expected(void)
{
    return "a config mapping in `sources` (docs/loading.md)";
}
