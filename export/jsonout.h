/* jsonout.h - safe jansson constructors and deterministic JSON output.
 *
 * jansson returns NULL for invalid UTF-8 strings and non-finite reals, and
 * json_object_set_new then silently drops the key; these wrappers never return
 * NULL (strings are sanitised, non-finite numbers become null).
 * All return new references.
 */
#ifndef RINGSCAN_JSONOUT_H
#define RINGSCAN_JSONOUT_H

#include <jansson.h>
#include <stdio.h>

json_t *jout_string(const char *s);
json_t *jout_stringn(const char *s, size_t n);
json_t *jout_real(double v);
/* Writes v with sorted keys, 2-space indent and a final newline. 0 or -1. */
int jout_write(FILE *f, const json_t *v);

#endif
