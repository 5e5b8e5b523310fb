/* fuzzutil.h - what the fuzz harnesses share: the libFuzzer entry point and a
 * private temporary directory per input.
 *
 * Every harness writes its input into a fresh directory made with mkdtemp
 * under $TMPDIR (or /tmp) and removes it before returning, so nothing outlives
 * one input and nothing is written anywhere else. A directory that cannot be
 * removed is a harness failure (abort): leaked files would pile up over
 * millions of executions.
 */
#ifndef RINGSCAN_FUZZUTIL_H
#define RINGSCAN_FUZZUTIL_H

#include "ingest/table.h"

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point, defined by each harness; always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Creates a fresh directory $TMPDIR/rs-fuzz-XXXXXX. Returns a new string;
 * aborts when the directory cannot be made. */
char *fuzzutil_tmpdir(void);

/* Writes n bytes to dir/name (name holds no '/'). Returns the new path;
 * aborts on a write error. */
char *fuzzutil_write(const char *dir, const char *name, const void *data, size_t n);

/* Removes dir and everything below it without following symlinks, then
 * frees dir. Aborts when anything is left behind. Accepts NULL. */
void fuzzutil_rmtree(char *dir);

/* Reports a broken invariant of the code under test and aborts, so that the
 * fuzzer records the input. */
void fuzzutil_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Checks a typed value handed to a row callback against table.h: a
 * NUL-terminated string of valid UTF-8 of length n, within its column's type
 * and range. Fails (aborts) otherwise. */
void fuzzutil_check_value(const col_def *cd, const tvalue *v);

/* Checks that a printed diagnostic s[0..n) is one line of valid UTF-8 without
 * control characters (C0 but TAB, DEL, C1), as the README and base/utf8.h
 * promise for the terminal. Fails (aborts) otherwise. */
void fuzzutil_check_message(const char *what, const char *s, size_t n);

#endif
