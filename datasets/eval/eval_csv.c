/* eval_csv.c - streaming CSV records through libcsv; see eval_csv.h.
 *
 * Representation: the current record's fields are appended into one growable byte buffer
 * (each NUL-terminated) with an array of offsets; pointers are materialised only when the
 * record ends, because appending may move the buffer.
 */
#include "datasets/eval/eval_csv.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_state {
    char *buf;
    size_t len, cap;
    size_t *off;
    char **ptr;
    size_t nf, capf;
    size_t record;
    eval_csv_row_fn fn;
    void *ud;
    int stop;
    int oom;
} csv_state;

static int csv_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, nc * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

static void csv_on_field(void *s, size_t len, void *data)
{
    csv_state *st = data;
    size_t capf = st->capf;
    if (st->stop || st->oom)
        return;
    if (csv_grow((void **)&st->buf, &st->cap, st->len + len + 1, 1) != 0 ||
        csv_grow((void **)&st->off, &st->capf, st->nf + 1, sizeof *st->off) != 0) {
        st->oom = 1;
        return;
    }
    if (st->capf != capf) {
        char **np = realloc(st->ptr, st->capf * sizeof *st->ptr);
        if (!np) {
            st->oom = 1;
            return;
        }
        st->ptr = np;
    }
    st->off[st->nf++] = st->len;
    if (len)
        memcpy(st->buf + st->len, s, len);
    st->len += len;
    st->buf[st->len++] = 0;
}

static void csv_on_record(int c, void *data)
{
    csv_state *st = data;
    (void)c;
    if (st->stop || st->oom) {
        st->nf = st->len = 0;
        return;
    }
    for (size_t i = 0; i < st->nf; i++)
        st->ptr[i] = st->buf + st->off[i];
    st->record++;
    st->stop = st->fn(st->ud, st->record, st->ptr, st->nf);
    st->nf = st->len = 0;
}

int eval_csv_read(const char *path, eval_csv_row_fn fn, void *ud, rs_error *err)
{
    struct csv_parser p;
    csv_state st;
    FILE *f = NULL;
    char *chunk = NULL;
    int rc = -1, parser = 0, first = 1;
    memset(&st, 0, sizeof st);
    st.fn = fn;
    st.ud = ud;
    f = fopen(path, "rb");
    if (!f) {
        rs_error_set(err, RS_E_IO, path, 0, 0, "%s", strerror(errno));
        goto cleanup;
    }
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        rs_error_set(err, RS_E_NOMEM, path, 0, 0, "cannot initialise the CSV parser");
        goto cleanup;
    }
    parser = 1;
    chunk = malloc(65536);
    if (!chunk) {
        rs_error_set(err, RS_E_NOMEM, path, 0, 0, "out of memory");
        goto cleanup;
    }
    for (;;) {
        size_t n = fread(chunk, 1, 65536, f);
        size_t skip = 0;
        if (n == 0)
            break;
        if (first && n >= 3 && memcmp(chunk, "\xEF\xBB\xBF", 3) == 0)
            skip = 3;
        first = 0;
        if (csv_parse(&p, chunk + skip, n - skip, csv_on_field, csv_on_record, &st) != n - skip) {
            rs_error_set(err, RS_E_FORMAT, path, 0, 0, "malformed CSV: %s",
                         csv_strerror(csv_error(&p)));
            goto cleanup;
        }
        if (st.stop || st.oom)
            break;
    }
    if (ferror(f)) {
        rs_error_set(err, RS_E_IO, path, 0, 0, "read error");
        goto cleanup;
    }
    if (!st.stop && !st.oom && csv_fini(&p, csv_on_field, csv_on_record, &st) != 0) {
        rs_error_set(err, RS_E_FORMAT, path, 0, 0, "malformed CSV: %s",
                     csv_strerror(csv_error(&p)));
        goto cleanup;
    }
    if (st.oom) {
        rs_error_set(err, RS_E_NOMEM, path, 0, 0, "out of memory");
        goto cleanup;
    }
    rc = st.stop;
cleanup:
    if (parser)
        csv_free(&p);
    if (f)
        fclose(f);
    free(chunk);
    free(st.buf);
    free(st.off);
    free(st.ptr);
    return rc;
}

int eval_csv_column(char **fields, size_t nfields, const char *name)
{
    for (size_t i = 0; i < nfields; i++)
        if (strcmp(fields[i], name) == 0)
            return (int)i;
    return -1;
}
