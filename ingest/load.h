/* load.h - finds the tables in an input directory and loads them into a graph.
 *
 * A table is NAME.csv, NAME.jsonl, NAME.csv.gz or NAME.jsonl.gz for NAME in
 * the schema; two files for one table is an error. Other files are listed as
 * ignored. Tables are read in schema order (accounts first), which with
 * first-seen interning makes ids, and so every output, deterministic.
 */
#ifndef RINGSCAN_LOAD_H
#define RINGSCAN_LOAD_H

#include "graph/graph.h"
#include "ingest/table.h"

typedef struct {
    int present;
    char *path; /* owned */
    char *name; /* file name as shown in messages, owned */
    int jsonl;
    int status; /* RS_OK or the table_read code */
    table_stats st;
} load_file;

typedef struct {
    char *dir;
    load_file files[TABLE_COUNT];
    char **ignored; /* owned file names */
    size_t nignored;
    uint64_t bad_total;
    /* Header names from the config's `columns` (borrowed): both passes over
     * the inputs read the headers the same way. */
    const schema_alias *aliases;
    size_t naliases;
} load_set;

/* Scans dir. Returns RS_OK, or RS_E_IO / RS_E_SCHEMA with err set (directory
 * unreadable, duplicate table, no table at all). Free with load_set_free. */
int load_scan(load_set *set, const char *dir, rs_error *err);
void load_set_free(load_set *set);

/* Reads every present table into g (g may be NULL to validate only). With
 * keep_going, each file's fatal error is printed to opts->diag as it happens
 * and the next file is read (validate); the first is also returned in err.
 * Otherwise the first fatal error is returned, unprinted. */
int load_tables(load_set *set, rs_graph *g, const table_opts *opts, int keep_going, rs_error *err);

/* The loader's own row checks beyond the column types (a client rating
 * itself, a port observation with neither ip nor device, ...): 0 when a
 * typed row of table t would be loaded, else RS_E_VALUE. Lets a second pass
 * over the inputs see exactly the rows the graph was built from. */
int load_check_row(table_id t, const tvalue *vals);

#endif
