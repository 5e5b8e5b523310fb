/* error.c - the error record; see error.h. */
#include "base/error.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

int rs_error_set(rs_error *err, int code, const char *file, long line, long col, const char *fmt,
                 ...)
{
    if (!err)
        return code;
    size_t off = 0;
    int n = 0;
    if (file && line > 0 && col > 0)
        n = snprintf(err->msg, sizeof err->msg, "%s:%ld:%ld: ", file, line, col);
    else if (file && line > 0)
        n = snprintf(err->msg, sizeof err->msg, "%s:%ld: ", file, line);
    else if (file)
        n = snprintf(err->msg, sizeof err->msg, "%s: ", file);
    if (n > 0)
        off = (size_t)n < sizeof err->msg ? (size_t)n : sizeof err->msg - 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + off, sizeof err->msg - off, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}
