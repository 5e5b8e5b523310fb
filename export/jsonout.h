/* jsonout.h - safe jansson constructors and deterministic JSON output.
 *
 * jansson returns NULL for invalid UTF-8 strings and non-finite reals, and
 * json_object_set_new then silently drops the key; these wrappers never return
 * NULL (strings are sanitised, non-finite numbers become null).
 * All constructors return new references.
 *
 * Every JSON text ringscan writes is serialised by jout_write or jout_dumps,
 * which escape every control character (base/utf8.h) inside strings as
 * \u00xx (lowercase hex), losslessly: jansson escapes C0 itself but writes DEL
 * and C1 raw and uses \b and \f. TAB, LF and CR stay \t, \n and \r. Each
 * \u00xx escape of a control is counted (utf8_controls_replaced).
 */
#ifndef RINGSCAN_JSONOUT_H
#define RINGSCAN_JSONOUT_H

#include <jansson.h>
#include <stdio.h>

json_t *jout_string(const char *s);
json_t *jout_stringn(const char *s, size_t n);
json_t *jout_real(double v);

/* Writes v with sorted keys, 2-space indent, 12 significant digits for reals
 * and a final newline, controls escaped. Streams in 1 MiB blocks. Returns 0,
 * or -1 when jansson fails or a write fails. */
int jout_write(FILE *f, const json_t *v);

/* v serialised with jansson's dump flags, controls escaped as jout_write
 * does. Returns a new NUL-terminated string to release with free() (not
 * jansson's free function), or NULL when jansson fails. */
char *jout_dumps(const json_t *v, size_t flags);

#endif
