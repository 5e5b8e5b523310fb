/* replay.h - the second pass over the inputs: every row the graph was built
 * from, again, with its provenance, as a source_row (model/records.h).
 *
 * Evidence must cite the platform's own files and lines, so it is read from
 * them rather than kept from the first pass: the loaded graph holds
 * aggregates, not rows. A file whose SHA-256 changed since it was loaded is
 * an error (the evidence would cite bytes the findings were not computed
 * from). Rows the loader skipped are skipped here too, with the loader's
 * own checks. Costs one read and parse of every input file, or, with the
 * row index the loader made (rowindex.h), of the rows asked for only.
 */
#ifndef RINGSCAN_REPLAY_H
#define RINGSCAN_REPLAY_H

#include "graph/graph.h"
#include "ingest/load.h"
#include "model/records.h"

#include <stddef.h>

/* Receives one row (borrowed for the call). Returns 0 to go on; any other
 * value stops the calls (the rest of the file is still read to check its
 * digest) and replay_run returns RS_E_IO. */
typedef int (*replay_fn)(void *ctx, const source_row *row);

/* The union of every table's columns except timestamps, in table and then
 * column order, each name once: the columns a file of mixed rows (the
 * evidence bags' events.csv) needs. The identity and text columns (col_def
 * ext) come last: the first *base of them are the others, what a run
 * without identity data shows. Static; *n gets the count. */
const char *const *replay_union_columns(size_t *n, size_t *base);

/* Reads every file of set again, in set's order, and calls fn for each row
 * that was loaded into g (the loader's checks and set->window applied as in
 * load_tables), with that file's own name, SHA-256 and line numbers, ids
 * resolved against g (which it does not change). Returns RS_OK; a reader
 * error; RS_E_IO when a file changed since loading; or RS_E_IO when fn asked
 * to stop (fn reports its own error). */
int replay_run(const load_set *set, const rs_graph *g, replay_fn fn, void *ctx, rs_error *err);

/* Which rows a caller needs: those whose rowindex keys (rowindex.h) are in
 * keys[0..nkeys), sorted ascending, found through index. */
typedef struct {
    rowindex *index;
    const uint32_t *keys;
    size_t nkeys;
} replay_filter;

/* As replay_run, but each file that set->index recorded is read only at the
 * rows flt selects (a superset of them: fn still sees only rows that were
 * loaded, in file order, and decides for itself). Such a file must be as it
 * was (same size, inode and modification time) and each row read must be
 * the one recorded (same line and ids), else RS_E_IO "input file changed".
 * Files not indexed (gzip) are read whole. flt NULL: replay_run. */
int replay_run_selected(const load_set *set, const rs_graph *g, const replay_filter *flt,
                        replay_fn fn, void *ctx, rs_error *err);

#endif
