/* error.h - the error record, the codes module functions return and the exit
 * codes of the ringscan command.
 *
 * Errors that concern data (a bad row, a missing column, a truncated file) are
 * not aborts: functions return a negative RS_E* code and describe the problem
 * in an rs_error record as "file:line:col: message". Programming errors are
 * asserted instead; out-of-memory aborts (base/alloc.h).
 */
#ifndef RINGSCAN_ERROR_H
#define RINGSCAN_ERROR_H

/* Exit codes of the ringscan command (documented in README). */
enum { RS_EXIT_OK = 0, RS_EXIT_DATA = 1, RS_EXIT_USAGE = 2, RS_EXIT_CHANGES = 3, RS_EXIT_BUSY = 4 };

/* Error codes returned by module functions. */
enum {
    RS_OK = 0,
    RS_E_IO = -1,     /* read/write failure */
    RS_E_FORMAT = -2, /* structurally corrupt input: fatal */
    RS_E_VALUE = -3,  /* one bad value: the row is skipped */
    RS_E_SCHEMA = -4, /* missing/duplicate column, unknown table */
    RS_E_LIMIT = -5,  /* a configured limit was exceeded */
    RS_E_CONFIG = -6, /* invalid configuration */
    RS_E_BUSY = -7,   /* the output directory is locked by another run */
    RS_E_ALGO = -8,   /* a detector's algorithm failed (igraph, FRAUDAR, bursts) */
    RS_E_NOMEM = -9,  /* out of memory where a tool reports it instead of aborting */
};

/* The error record: one human-readable line, already prefixed with its
 * location. Functions that fail fill it (when non-NULL) and return a code. */
typedef struct {
    int code;
    char msg[1024];
} rs_error;

/* Formats "file:line:col: message" (line/col omitted when 0, the prefix when
 * file is NULL) into err, truncating to its size; a NULL err is allowed and
 * left alone. Returns code so callers can write `return rs_error_set(...)`. */
int rs_error_set(rs_error *err, int code, const char *file, long line, long col, const char *fmt,
                 ...) __attribute__((format(printf, 6, 7)));

#endif
