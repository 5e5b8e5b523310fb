/* schema.h - the input contract: tables, their columns and value types.
 *
 * This is the single description of what ringscan reads; the reader, the
 * validator, the loader and the README's contract table all follow it.
 */
#ifndef RINGSCAN_SCHEMA_H
#define RINGSCAN_SCHEMA_H

#include "model/records.h"

#include <stddef.h>

typedef enum {
    COL_ID,      /* non-empty identifier, at most SCHEMA_MAX_ID bytes */
    COL_TEXT,    /* free text kept by ringscan, at most SCHEMA_MAX_TEXT bytes */
    COL_IGNORED, /* text read but not analysed: any length */
    COL_TS,      /* timestamp, see ts.h */
    COL_IP,      /* IPv4 or IPv6 address */
    COL_UINT,    /* non-negative integer (ports, seconds, ASNs) */
    COL_AMOUNT,  /* finite non-negative decimal */
    COL_STARS,   /* decimal in [0, 5] */
    COL_BOOL,    /* 1/0/true/false/yes/no */
    COL_COUNTRY, /* ISO 3166-1 alpha-2 */
    COL_ROLE,    /* freelancer | client */
} col_type;

typedef struct {
    const char *name;
    col_type type;
    int required;
    const char *doc;
} col_def;

typedef struct {
    const char *name; /* the same as records_table_name */
    const col_def *cols;
    size_t ncols;
} table_def;

#define SCHEMA_MAX_ID 1024
#define SCHEMA_MAX_TEXT 4096
#define SCHEMA_MAX_COLS RECORDS_MAX_COLS

/* Borrowed, static. */
const table_def *schema_table(table_id t);
/* Index of column name in table t, or -1. */
int schema_column(const table_def *t, const char *name, size_t n);
const char *schema_type_name(col_type t);

#endif
