/* jsonout.c - see jsonout.h. */
#include "export/jsonout.h"

#include "export/text.h"

#include <math.h>
#include <string.h>

json_t *jout_stringn(const char *s, size_t n)
{
    rs_buf b = {0};
    text_utf8_sanitize(&b, s ? s : "", s ? n : 0);
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    buf_free(&b);
    return j ? j : json_string("");
}

json_t *jout_string(const char *s)
{
    return jout_stringn(s, s ? strlen(s) : 0);
}

json_t *jout_real(double v)
{
    if (!isfinite(v))
        return json_null();
    json_t *j = json_real(v);
    return j ? j : json_null();
}

int jout_write(FILE *f, const json_t *v)
{
    if (json_dumpf(v, f, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(12)) != 0)
        return -1;
    return fputc('\n', f) == EOF ? -1 : 0;
}
