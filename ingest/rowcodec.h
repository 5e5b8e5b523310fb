/* rowcodec.h - the compact binary form of one row's typed values, shared by
 * the row pipe (rows crossing from the parsing thread to the graph thread)
 * and the summary cache (rows kept on disk between runs), so that the two
 * cannot drift apart and a summary's rows are the pipe's.
 *
 * For each present column that the graph uses (not COL_IGNORED), in column
 * order: u8 column+1 and its value (timestamp i64, ip as the ipaddr struct,
 * integers u64, decimals double, booleans/roles int, countries 3 bytes, ids
 * and texts u32 length + bytes + NUL); then u8 0. Values are copied with
 * memcpy in the host's byte order, so nothing is aligned. A login row takes
 * about 60 bytes. Which table a row belongs to is the caller's to record.
 */
#ifndef RINGSCAN_ROWCODEC_H
#define RINGSCAN_ROWCODEC_H

#include "ingest/table.h"

#include <stddef.h>

/* An upper bound of the bytes rowcodec_encode writes for the values vals of
 * a row of table t. O(columns). */
size_t rowcodec_bound(table_id t, const tvalue *vals);
/* Writes the values vals of a row of table t at q, which has room for
 * rowcodec_bound(t, vals) bytes; returns the byte after the row. */
unsigned char *rowcodec_encode(unsigned char *q, table_id t, const tvalue *vals);
/* Reads the row of table t at q, whole as rowcodec_encode wrote it (from
 * this process, or checked by rowcodec_check), into vals (every column of
 * t: an absent one has present 0 and its other fields left as they were);
 * strings point into the row's bytes (NUL-ended), borrowed. Returns the
 * byte after the row. */
const unsigned char *rowcodec_decode(const unsigned char *q, table_id t, tvalue *vals);
/* Checks that [q, end) begins with a whole row of table t (known columns,
 * values and NUL-ended strings within end); returns the byte after it, or
 * NULL. For bytes read from a file. */
const unsigned char *rowcodec_check(const unsigned char *q, const unsigned char *end, table_id t);

#endif
