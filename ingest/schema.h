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
    /* 1 for the identity and text columns (the attributes table, the text
     * columns): the evidence files show them only when the input has them,
     * so that runs without them write what they always wrote. */
    int ext;
} col_def;

typedef struct {
    const char *name; /* the same as records_table_name */
    const col_def *cols;
    size_t ncols;
} table_def;

#define SCHEMA_MAX_ID 1024
#define SCHEMA_MAX_TEXT 4096
#define SCHEMA_MAX_COLS RECORDS_MAX_COLS

/* A header name read as a contract column: from the alias table
 * (schema_resolve) or the user's config (`columns`). */
typedef struct {
    const char *table; /* table name, or NULL for every table with the column */
    const char *from;  /* header name in schema_normalize form */
    const char *to;    /* contract column name */
} schema_alias;

/* Borrowed, static. */
const table_def *schema_table(table_id t);
/* Index of column name in table t (exact contract name), or -1. */
int schema_column(const table_def *t, const char *name, size_t n);

/* Writes the comparison form of a header name into out (size outlen): ASCII
 * letters lower-cased, surrounding spaces removed, inner runs of spaces, '-'
 * and '.' as one '_'. "  Account ID " -> "account_id". */
void schema_normalize(const char *name, size_t n, char *out, size_t outlen);

/* The contract column a header name means in table t, or -1: the exact name,
 * then the normalized name, then user aliases (nuser of them, checked first
 * among aliases), then the built-in alias table (README "Column names").
 * *via is set to "name", "case" (normalisation only), "alias" or "config". */
int schema_resolve(const table_def *t, const char *name, size_t n, const schema_alias *user,
                   size_t nuser, const char **via);

/* The static copy of contract column name as some table spells it, or NULL. */
const char *schema_table_column(const char *name);

/* The built-in alias table (borrowed, static), for docs and tests. */
const schema_alias *schema_aliases(size_t *n);

/* The contract column of table t closest to name (an edit distance of at most
 * 2 on the normalized forms, or one containing the other), or NULL: for
 * "did you mean" hints. */
const char *schema_near(const table_def *t, const char *name, size_t n);
const char *schema_type_name(col_type t);
/* 1 for the id columns naming an account: account_id, freelancer_id,
 * client_id. */
int schema_is_account_col(const col_def *cd);

#endif
