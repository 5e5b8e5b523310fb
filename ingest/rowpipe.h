/* rowpipe.h - hands validated rows from the parsing thread to the thread that
 * builds the graph, so reading/parsing and graph construction run on two
 * cores at once.
 *
 * Rows are encoded compactly (only present, analysed columns) into batches of
 * about 1 MiB that pass through a bounded queue; one consumer applies them in
 * order, so the graph is the same as a single-threaded load. The producer
 * owns nothing the consumer touches except queued batches; the graph belongs
 * to the consumer until rowpipe_finish returns.
 */
#ifndef RINGSCAN_ROWPIPE_H
#define RINGSCAN_ROWPIPE_H

#include "graph/graph.h"
#include "ingest/decode.h"
#include "ingest/table.h"

typedef struct rowpipe rowpipe;

/* Applies one row of table t to g (rows were validated by the producer, so
 * it does not fail), with the event and keys the ahead callback made of it
 * (both NULL without one): the row is decoded and hashed once. */
typedef void (*rowpipe_apply_fn)(rs_graph *g, table_id t, const tvalue *vals,
                                 const decode_event *ev, const graph_keys *keys);
/* Prepares a row some rows before it is applied: called with step 0, which
 * decodes the row into ev and fills keys (zeroed before), then with steps 1
 * to GRAPH_PREFETCH_STEPS - 1 at shorter distances, the same ev and keys each
 * time (graph_prefetch). ev may borrow from vals: the pipe keeps both in
 * place until the row is applied. Must not change g: rows before it are
 * still to be applied. */
typedef void (*rowpipe_ahead_fn)(const rs_graph *g, table_id t, const tvalue *vals,
                                 decode_event *ev, graph_keys *keys, int step);

/* Starts the consumer thread, with a digest for each of nfiles input files;
 * ahead may be NULL. Returns NULL if the thread cannot be created (the
 * caller then applies rows itself). */
rowpipe *rowpipe_start(rs_graph *g, rowpipe_apply_fn apply, rowpipe_ahead_fn ahead, size_t nfiles);
/* Queues one row (copies everything it needs). May block while the queue is
 * full. */
void rowpipe_push(rowpipe *p, table_id t, const tvalue *vals);
/* Queues raw bytes of input file number file (< nfiles); the consumer feeds
 * them to that file's SHA-256, so hashing costs the parsing thread only a
 * copy. */
void rowpipe_push_bytes(rowpipe *p, uint32_t file, const void *data, size_t n);
/* Flushes, waits for the consumer to apply everything, writes each file's
 * SHA-256 (hex, "" for files that sent no bytes) into sha256[i], i < nfiles,
 * when non-NULL, and frees p. */
void rowpipe_finish(rowpipe *p, char (*sha256)[65]);

#endif
