/* eval_csv.h - a small streaming CSV row reader for ringscan-eval, on top of libcsv.
 *
 * Reads an RFC 4180 file (a leading UTF-8 BOM is skipped) in 64 KiB chunks and calls back
 * once per record, header included, with NUL-terminated fields. Field pointers are
 * borrowed: valid only during the callback.
 */
#ifndef EVAL_CSV_H
#define EVAL_CSV_H

#include "base/error.h"

#include <stddef.h>

/* Returns 0 to continue, non-zero to stop reading (eval_csv_read then returns that value). */
typedef int (*eval_csv_row_fn)(void *ud, size_t record, char **fields, size_t nfields);

/* Reads path. Returns 0 on success, the callback's non-zero value when it stopped the read,
 * or -1 on an I/O or structural error with err set (RS_E_IO, RS_E_FORMAT or RS_E_NOMEM and
 * the message). */
int eval_csv_read(const char *path, eval_csv_row_fn fn, void *ud, rs_error *err);

/* Index of column `name` in a header row, or -1. */
int eval_csv_column(char **fields, size_t nfields, const char *name);

#endif
