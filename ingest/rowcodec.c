/* rowcodec.c - one row's typed values in compact binary form; see rowcodec.h.
 *
 * The encoder and the decoder run for every row of a run (the decoder on
 * the graph thread, ingest's bottleneck), so each is one pass over the
 * columns; a fixed-size value is one copy of its type's size.
 */
#include "ingest/rowcodec.h"

#include <stdint.h>
#include <string.h>

/* The size of a value of type ty, 0 for a string (length-led) or an
 * ignored column (never written). */
static size_t value_size(col_type ty)
{
    switch (ty) {
    case COL_TS:
        return sizeof(int64_t);
    case COL_IP:
        return sizeof(ipaddr);
    case COL_UINT:
        return sizeof(uint64_t);
    case COL_AMOUNT:
    case COL_STARS:
        return sizeof(double);
    case COL_BOOL:
    case COL_AGENT: /* only whether it names a remote-desktop client */
    case COL_ROLE:
        return sizeof(int);
    case COL_COUNTRY:
        return 3;
    case COL_ID:
    case COL_TEXT:
    case COL_IGNORED:
        break;
    }
    return 0;
}

/* A fixed-size value is copied from and to the start of tvalue.v, where
 * every member of the union begins. */
_Static_assert(sizeof(((tvalue *)0)->v.ts) == 8 && sizeof(((tvalue *)0)->v.u) == 8 &&
                   sizeof(((tvalue *)0)->v.d) == 8 && sizeof(((tvalue *)0)->v.b) == sizeof(int) &&
                   sizeof(((tvalue *)0)->v.role) == sizeof(int) && sizeof(((tvalue *)0)->v.cc) == 3,
               "value_size disagrees with tvalue");

/* Copies the fixed-size value of type ty from src to dst and returns its
 * size (value_size), in one switch with a copy of constant size per type:
 * one move or two, where a size known only at run time would cost a call
 * to memcpy for each value of each row. */
static inline size_t copy_fixed(void *dst, const void *src, col_type ty)
{
    switch (ty) {
    case COL_TS:
    case COL_UINT:
    case COL_AMOUNT:
    case COL_STARS:
        memcpy(dst, src, 8);
        return 8;
    case COL_IP:
        memcpy(dst, src, sizeof(ipaddr));
        return sizeof(ipaddr);
    case COL_BOOL:
    case COL_AGENT:
    case COL_ROLE:
        memcpy(dst, src, sizeof(int));
        return sizeof(int);
    case COL_COUNTRY:
        memcpy(dst, src, 3);
        return 3;
    case COL_ID:
    case COL_TEXT:
    case COL_IGNORED:
        break;
    }
    return 0;
}

size_t rowcodec_bound(table_id t, const tvalue *vals)
{
    const table_def *def = schema_table(t);
    size_t need = 1; /* the end tag */
    for (size_t c = 0; c < def->ncols; c++)
        if (vals[c].present)
            need += 1 + sizeof(uint32_t) + 1 +
                    (vals[c].n > sizeof(ipaddr) ? vals[c].n : sizeof(ipaddr));
    return need;
}

unsigned char *rowcodec_encode(unsigned char *q, table_id t, const tvalue *vals)
{
    const table_def *def = schema_table(t);
    for (size_t c = 0; c < def->ncols; c++) {
        const tvalue *v = &vals[c];
        col_type ty = def->cols[c].type;
        if (!v->present || ty == COL_IGNORED)
            continue;
        *q++ = (unsigned char)(c + 1);
        if (ty == COL_ID || ty == COL_TEXT) {
            uint32_t n = (uint32_t)v->n;
            memcpy(q, &n, sizeof n);
            q += sizeof n;
            memcpy(q, v->s, v->n);
            q += v->n;
            *q++ = 0;
            continue;
        }
        q += copy_fixed(q, &v->v, ty);
    }
    *q++ = 0;
    return q;
}

const unsigned char *rowcodec_decode(const unsigned char *q, table_id t, tvalue *vals)
{
    const table_def *def = schema_table(t);
    for (size_t c = 0; c < def->ncols; c++)
        vals[c].present = 0;
    unsigned tag;
    while ((tag = *q++) != 0) {
        tvalue *v = &vals[tag - 1];
        col_type ty = def->cols[tag - 1].type;
        v->present = 1;
        if (ty == COL_ID || ty == COL_TEXT) {
            uint32_t n;
            memcpy(&n, q, sizeof n);
            q += sizeof n;
            v->s = (const char *)q;
            v->n = n;
            q += n + 1;
            continue;
        }
        q += copy_fixed(&v->v, q, ty);
    }
    return q;
}

const unsigned char *rowcodec_check(const unsigned char *q, const unsigned char *end, table_id t)
{
    const table_def *def = schema_table(t);
    for (;;) {
        if (q >= end)
            return NULL;
        unsigned tag = *q++;
        if (tag == 0)
            return q;
        if (tag > def->ncols || def->cols[tag - 1].type == COL_IGNORED)
            return NULL;
        col_type ty = def->cols[tag - 1].type;
        size_t sz = value_size(ty);
        if (ty == COL_ID || ty == COL_TEXT) {
            if ((size_t)(end - q) < sizeof(uint32_t))
                return NULL;
            uint32_t len;
            memcpy(&len, q, sizeof len);
            q += sizeof len;
            if ((size_t)(end - q) < (size_t)len + 1 || q[len] != '\0')
                return NULL;
            sz = (size_t)len + 1;
        }
        if ((size_t)(end - q) < sz)
            return NULL;
        q += sz;
    }
}
