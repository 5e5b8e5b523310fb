/* mapping.c - the mapping engine: compiles a mapping spec (ingest/mapping.h,
 * docs/loading.md "The mapping language") and turns records into rows of a
 * contract table.
 *
 * A compiled mapping holds one value spec per produced column (a list of
 * paths tried in order, or a constant, or a concatenation, plus at most one
 * transform), the `where` filters, the rating `direction` and, for the
 * attributes table, the kinds melted from a wide row. Every path is a
 * `mpath` with a match mark: mapping_finish_file reports a path no record of
 * a file contained, because an entry that matches nothing is the commonest
 * way a mapping loads silently wrong (a misspelt field reads as blank).
 *
 * Values are text: a transform that cannot read its value hands the raw text
 * on, so the table reader's converter reports it as a bad value with its
 * column and line, exactly as for a contract file. Numbers from JSON are
 * printed in the shortest form that reads back to the same double, and
 * minor units are shifted on the text, so no amount passes through a binary
 * fraction on its way to the evidence files.
 *
 * Workload: mapping_apply runs once per input record of a mapped file; a
 * record has tens of fields and a spec tens of entries, so the linear scans
 * below are cheaper than any index.
 */
#include "ingest/mapping.h"

#include "base/alloc.h"
#include "base/buf.h"
#include "base/ts.h"
#include "ingest/table.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_MAX_PATHS 8

/* One path of the spec, with whether any record of the current file had it. */
typedef struct {
    char *text;
    char *entry; /* the spec entry it came from, for messages: "fields.ip" */
    int matched;
    int optional; /* "optional": true: a file none of whose records has it is fine */
} mpath;

typedef enum { TR_NONE, TR_TIME, TR_MINOR, TR_DECIMAL_COMMA, TR_BOOL, TR_VALUES } tr_kind;
typedef enum { TF_ISO, TF_EPOCH_S, TF_EPOCH_MS, TF_EXCEL, TF_PATTERN } time_form;

/* How one value is found and read. */
typedef struct {
    size_t paths[MAP_MAX_PATHS]; /* indexes into mapping.paths */
    size_t npaths;
    int concat; /* paths are joined with sep instead of coalesced */
    char *sep;
    char *constant; /* non-NULL: the value, whatever the record */
    tr_kind tr;
    time_form tf;
    char *pattern;
    int has_offset;
    int offset_min; /* utc_offset, minutes east of UTC */
    int minor;      /* exponent, or -1 for the row's currency */
    json_t *words;  /* bool: {"true": [...], "false": [...]}; values: dictionary (owned) */
} mvalue;

typedef enum { W_EQUALS, W_IN, W_IS_NULL, W_NOT_NULL } where_op;

typedef struct {
    size_t path;
    where_op op;
    char **vals;
    size_t nvals;
} mwhere;

typedef struct {
    char *kind;
    mvalue v;
} mattr;

struct mapping {
    char *name;
    table_id table;
    const table_def *td;
    char *format;
    char **files;
    size_t nfiles;
    int header;
    int backslash; /* "escapes": "backslash" */
    char **columns;
    size_t ncolumns;
    char *records;
    char **nulls;
    size_t nnulls;
    mpath *paths;
    size_t npaths, cappaths;
    int has_field[SCHEMA_MAX_COLS];
    mvalue field[SCHEMA_MAX_COLS];
    mwhere *where;
    size_t nwhere;
    int has_direction;
    size_t dir_path;
    char **dir_keep;
    size_t ndir_keep;
    mattr *attrs;
    size_t nattrs;
    mapping_tally tally;
    int file_started;
    int last_string;             /* the last value path_text found was a JSON string */
    rs_buf out[SCHEMA_MAX_COLS]; /* produced values (owned; reused per record) */
    char *spec_text;             /* the spec as compact JSON, keys sorted (owned) */
};

/* ------------------------------------------------------------------ */
/* Paths and values */

/* jansson's object iteration takes a mutable object although it only reads;
 * the specs and records here are borrowed and never changed. */
static json_t *unconst(const json_t *v)
{
    union {
        const json_t *c;
        json_t *m;
    } u;
    u.c = v;
    return u.m;
}

static int is_index(const char *s, size_t n, size_t *out)
{
    size_t v = 0;
    if (n == 0 || n > 9)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return 1;
}

/* One step into v by key s[0..n): an object member or an array element. */
static const json_t *path_step(const json_t *v, const char *s, size_t n)
{
    size_t idx;
    if (json_is_object(v))
        return json_object_getn(v, s, n);
    if (json_is_array(v) && is_index(s, n, &idx))
        return json_array_get(v, idx);
    return NULL;
}

/* The value at path s[0..n) in v, or NULL: the whole rest is tried as one
 * literal key first, then each dot from the left splits off one key. Depth
 * is bounded by the number of dots in the path. */
static const json_t *path_get(const json_t *v, const char *s, size_t n)
{
    const json_t *whole = path_step(v, s, n);
    if (whole)
        return whole;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '.')
            continue;
        const json_t *head = path_step(v, s, i);
        if (head) {
            const json_t *r = path_get(head, s + i + 1, n - i - 1);
            if (r)
                return r;
        }
    }
    return NULL;
}

const json_t *mapping_path_get(const json_t *root, const char *path)
{
    return path_get(root, path, strlen(path));
}

/* Appends the shortest decimal form of d that reads back as d. */
static void put_real(rs_buf *b, double d)
{
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    buf_puts(b, tmp);
}

/* Writes v as text into b. Returns 0 for a value, -1 for none (JSON null). */
static int put_json(rs_buf *b, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        buf_append(b, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER:
        buf_put_int(b, (long long)json_integer_value(v));
        return 0;
    case JSON_REAL:
        put_real(b, json_real_value(v));
        return 0;
    case JSON_TRUE:
        buf_puts(b, "true");
        return 0;
    case JSON_FALSE:
        buf_puts(b, "false");
        return 0;
    case JSON_NULL:
        return -1;
    default: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (s)
            buf_puts(b, s);
        free(s);
        return 0;
    }
    }
}

static int is_null_text(const mapping *m, const char *s, size_t n)
{
    for (size_t i = 0; i < m->nnulls; i++)
        if (strlen(m->nulls[i]) == n && memcmp(m->nulls[i], s, n) == 0)
            return 1;
    return 0;
}

/* The text at path p of rec into b (cleared first), marking the path matched
 * when the record has it. Returns 0 for a value, -1 when absent, JSON null,
 * or one of the source's null_values. */
static int path_text(mapping *m, size_t p, const json_t *rec, rs_buf *b)
{
    buf_clear(b);
    const json_t *v = mapping_path_get(rec, m->paths[p].text);
    if (!v)
        return -1;
    m->paths[p].matched = 1;
    m->last_string = json_is_string(v);
    if (put_json(b, v) != 0 || is_null_text(m, b->data ? b->data : "", b->len))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Transforms */

/* An offset "+05", "-0500", "+05:30" or "Z" at s[0..n): minutes east. */
static int parse_offset(const char *s, size_t n, int *min)
{
    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *min = 0;
        return 0;
    }
    if (n < 3 || (s[0] != '+' && s[0] != '-'))
        return -1;
    int d[4], nd = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i] == ':' && i == 3 && n == 6)
            continue;
        if (!isdigit((unsigned char)s[i]) || nd == 4)
            return -1;
        d[nd++] = s[i] - '0';
    }
    if (nd != 2 && nd != 4)
        return -1;
    int h = d[0] * 10 + d[1], mm = nd == 4 ? d[2] * 10 + d[3] : 0;
    if (h > 23 || mm > 59)
        return -1;
    *min = (s[0] == '-' ? -1 : 1) * (h * 60 + mm);
    return 0;
}

/* Splits a trailing offset off a time text after its clock: "+00", "-05",
 * "+05:30", "-0500", "Z". Returns the length before it, *min set; or n with
 * *found 0. */
static size_t split_offset(const char *s, size_t n, int *min, int *found)
{
    *found = 0;
    if (n > 0 && (s[n - 1] == 'Z' || s[n - 1] == 'z')) {
        *found = 1;
        *min = 0;
        return n - 1;
    }
    for (size_t k = 3; k <= 6 && k < n; k++) {
        size_t at = n - k;
        if ((s[at] == '+' || s[at] == '-') && at > 0 && isdigit((unsigned char)s[at - 1]) &&
            memchr(s, ':', at) != NULL && parse_offset(s + at, k, min) == 0) {
            *found = 1;
            return at;
        }
    }
    return n;
}

static int read_digits(const char **p, const char *end, int min, int max, long *out)
{
    long v = 0;
    int k = 0;
    while (*p < end && k < max && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    if (k < min)
        return -1;
    *out = v;
    return 0;
}

/* Reads s[0..n) by pattern (dd mm yyyy HH MM SS and literals) into UTC ms,
 * as if written at UTC. */
static int time_by_pattern(const char *pat, const char *s, size_t n, int64_t *ms)
{
    long f[6] = {0, 1, 1, 0, 0, 0}; /* y m d H M S */
    const char *p = s, *end = s + n;
    for (const char *q = pat; *q;) {
        static const struct {
            const char *tok;
            int slot, lo, hi;
        } toks[] = {{"yyyy", 0, 4, 4}, {"dd", 2, 1, 2}, {"mm", 1, 1, 2},
                    {"HH", 3, 1, 2},   {"MM", 4, 1, 2}, {"SS", 5, 1, 2}};
        int hit = 0;
        for (size_t t = 0; t < sizeof toks / sizeof toks[0] && !hit; t++) {
            size_t tl = strlen(toks[t].tok);
            if (strncmp(q, toks[t].tok, tl) == 0) {
                if (read_digits(&p, end, toks[t].lo, toks[t].hi, &f[toks[t].slot]) != 0)
                    return -1;
                q += tl;
                hit = 1;
            }
        }
        if (hit)
            continue;
        if (p == end || *p != *q)
            return -1;
        p++;
        q++;
    }
    if (p != end || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 ||
        f[5] > 60)
        return -1;
    int64_t days = ts_days_from_civil(f[0], (unsigned)f[1], (unsigned)f[2]);
    *ms = ((days * 24 + f[3]) * 60 + f[4]) * 60000 + (int64_t)f[5] * 1000;
    return 0;
}

/* A decimal number of at most 15 significant digits as a double, or -1. A
 * single ',' with no '.' is the decimal point: a spreadsheet saved in a
 * decimal-comma locale writes a serial date as "46066,2921412037". */
static int read_number(const char *s, size_t n, double *out)
{
    char tmp[64];
    char *end, *comma;
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if ((comma = strchr(tmp, ',')) && !strchr(tmp, '.') && !strchr(comma + 1, ','))
        *comma = '.';
    errno = 0;
    *out = strtod(tmp, &end);
    if (errno || *end || end == tmp || *out != *out)
        return -1;
    return 0;
}

/* Rewrites b's time text as ISO 8601 UTC. Returns 0, or -1 (b untouched)
 * when the value does not fit the form. */
static int tr_time(const mvalue *mv, rs_buf *b)
{
    const char *s = b->data;
    size_t n = b->len;
    int64_t ms = 0;
    int off = 0, found = 0;
    double d;
    if (mv->tf == TF_EPOCH_S || mv->tf == TF_EPOCH_MS || mv->tf == TF_EXCEL) {
        if (read_number(s, n, &d) != 0)
            return -1;
        double v = mv->tf == TF_EPOCH_S    ? d * 1000.0
                   : mv->tf == TF_EPOCH_MS ? d
                                           : (d - 25569.0) * 86400000.0;
        if (!(v > -1e15 && v < 1e15))
            return -1;
        ms = (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
        if (mv->tf == TF_EXCEL && mv->has_offset)
            ms -= (int64_t)mv->offset_min * 60000;
    } else {
        size_t core = split_offset(s, n, &off, &found);
        int rc = mv->tf == TF_PATTERN ? time_by_pattern(mv->pattern, s, core, &ms)
                                      : ts_parse(s, core, &ms, NULL);
        if (rc != 0)
            return -1;
        if (!found && mv->has_offset)
            off = mv->offset_min, found = 1;
        if (found)
            ms -= (int64_t)off * 60000;
    }
    char out[TS_FMT_LEN];
    ts_format(ms, out);
    buf_clear(b);
    buf_puts(b, out);
    return 0;
}

/* ISO 4217 exponents other than 2 (ISO 4217 list one, "minor unit"). */
static int currency_exponent(const char *c, size_t n)
{
    static const char zero[] =
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    static const char three[] = "BHD IQD JOD KWD LYD OMR TND";
    char up[4];
    if (n != 3)
        return 2;
    for (int i = 0; i < 3; i++)
        up[i] = (char)toupper((unsigned char)c[i]);
    up[3] = 0;
    if (strstr(zero, up))
        return 0;
    if (strstr(three, up))
        return 3;
    return 2;
}

/* Moves the decimal point of b's text e places left, exactly. */
static int tr_minor(rs_buf *b, int e)
{
    const char *s = b->data;
    size_t n = b->len, i = 0;
    char digits[128];
    size_t nd = 0, intlen = 0;
    int seen_point = 0, neg = 0;
    if (n > 0 && (s[0] == '-' || s[0] == '+'))
        neg = s[0] == '-', i = 1;
    for (; i < n; i++) {
        if (s[i] == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        if (!isdigit((unsigned char)s[i]) || nd + 1 >= sizeof digits)
            return -1;
        digits[nd++] = s[i];
        if (!seen_point)
            intlen++;
    }
    if (nd == 0)
        return -1;
    rs_buf o = {0};
    if (neg)
        buf_putc(&o, '-');
    long point = (long)intlen - e;
    if (point <= 0) {
        buf_puts(&o, "0.");
        for (long k = point; k < 0; k++)
            buf_putc(&o, '0');
        buf_append(&o, digits, nd);
    } else {
        size_t lead = 0;
        while (lead + 1 < (size_t)point && digits[lead] == '0')
            lead++;
        buf_append(&o, digits + lead, (size_t)point - lead);
        if ((size_t)point < nd) {
            buf_putc(&o, '.');
            buf_append(&o, digits + point, nd - (size_t)point);
        }
    }
    buf_clear(b);
    buf_append(b, o.data, o.len);
    buf_free(&o);
    return 0;
}

/* "3.733,66" -> "3733.66": dots group thousands, the comma is the point. */
static int tr_decimal_comma(rs_buf *b)
{
    rs_buf o = {0};
    int commas = 0, rc = 0;
    for (size_t i = 0; i < b->len; i++) {
        char c = b->data[i];
        if (c == '.' || c == ' ')
            continue;
        if (c == ',') {
            commas++;
            c = '.';
        } else if (!isdigit((unsigned char)c) && !(i == 0 && (c == '-' || c == '+'))) {
            rc = -1;
        }
        buf_putc(&o, c);
    }
    if (rc == 0 && commas <= 1 && o.len > 0) {
        buf_clear(b);
        buf_append(b, o.data, o.len);
    } else {
        rc = -1;
    }
    buf_free(&o);
    return rc;
}

static int word_in(const json_t *arr, const char *s, size_t n)
{
    size_t i;
    const json_t *w;
    json_array_foreach(arr, i, w)
    {
        if (json_string_length(w) == n && strncasecmp(json_string_value(w), s, n) == 0)
            return 1;
    }
    return 0;
}

static void tr_words(const mvalue *mv, rs_buf *b)
{
    const char *s = b->data ? b->data : "";
    if (mv->tr == TR_BOOL) {
        const char *to = word_in(json_object_get(mv->words, "true"), s, b->len)    ? "true"
                         : word_in(json_object_get(mv->words, "false"), s, b->len) ? "false"
                                                                                   : NULL;
        if (to) {
            buf_clear(b);
            buf_puts(b, to);
        }
        return;
    }
    const json_t *to = json_object_getn(mv->words, s, b->len);
    if (json_is_string(to)) {
        char *t = xstrdup(json_string_value(to));
        buf_clear(b);
        buf_puts(b, t);
        free(t);
    }
}

/* The value of mv for rec into b. currency is the row's currency text (for
 * minor_units "currency"), or NULL. Returns 0 for a value, -1 for none. */
static int value_of(mapping *m, const mvalue *mv, const json_t *rec, const char *currency,
                    rs_buf *b)
{
    buf_clear(b);
    if (mv->constant) {
        buf_puts(b, mv->constant);
        return 0;
    }
    if (mv->concat) {
        rs_buf part = {0};
        int any = 0;
        for (size_t i = 0; i < mv->npaths; i++) {
            if (path_text(m, mv->paths[i], rec, &part) != 0 || part.len == 0)
                continue;
            if (any)
                buf_puts(b, mv->sep);
            buf_append(b, part.data, part.len);
            any = 1;
        }
        buf_free(&part);
        return any ? 0 : -1;
    }
    int got = -1;
    for (size_t i = 0; i < mv->npaths; i++) {
        if (path_text(m, mv->paths[i], rec, b) == 0 && b->len > 0) {
            got = 0;
            for (size_t k = i + 1; k < mv->npaths; k++) /* the others count as matched */
                if (mapping_path_get(rec, m->paths[mv->paths[k]].text))
                    m->paths[mv->paths[k]].matched = 1;
            break;
        }
    }
    if (got != 0)
        return -1;
    switch (mv->tr) {
    case TR_TIME:
        (void)tr_time(mv, b);
        break;
    case TR_MINOR:
        (void)tr_minor(b, mv->minor >= 0 ? mv->minor
                                         : currency_exponent(currency ? currency : "",
                                                             currency ? strlen(currency) : 0));
        break;
    case TR_DECIMAL_COMMA:
        if (m->last_string) /* a JSON number is already a number: 3733.66 */
            (void)tr_decimal_comma(b);
        break;
    case TR_BOOL:
    case TR_VALUES:
        tr_words(mv, b);
        break;
    case TR_NONE:
        break;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Compiling */

/* Edit distance (with transpositions) of a and b, case-insensitive (99 for long words). */
static unsigned word_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 30 || lb > 30)
        return 99;
    unsigned d[31][31];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            unsigned c = d[i - 1][j - 1] +
                         (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            unsigned x = d[i - 1][j] + 1, y = d[i][j - 1] + 1;
            d[i][j] = c < x ? (c < y ? c : y) : (x < y ? x : y);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1; /* a swap of neighbours is one typo */
        }
    return d[la][lb];
}

/* " (did you mean 'x'?)" for the word of words[] nearest to w (an edit
 * distance of at most 2, the first of equals), or "". */
static const char *hint(const char *w, const char *const *words, char *out, size_t outlen)
{
    unsigned best = 3;
    out[0] = 0;
    for (size_t i = 0; words[i]; i++) {
        unsigned d = word_distance(w, words[i]);
        if (d < best) {
            best = d;
            snprintf(out, outlen, " (did you mean '%s'?)", words[i]);
        }
    }
    return out;
}

typedef struct {
    const char *where;
    rs_error *err;
} cctx;

static int cfail(const cctx *c, const char *jpath, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cfail(const cctx *c, const char *jpath, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return rs_error_set(c->err, RS_E_CONFIG, NULL, 0, 0, "%s: %s: %s", c->where, jpath, msg);
}

static int check_keys(const cctx *c, const json_t *obj, const char *jpath,
                      const char *const *allowed)
{
    const char *k;
    const json_t *v;
    json_object_foreach(unconst(obj), k, v)
    {
        int ok = 0;
        for (size_t i = 0; allowed[i]; i++)
            ok |= strcmp(k, allowed[i]) == 0;
        if (!ok) {
            char h[96], p[256];
            snprintf(p, sizeof p, "%s%s%s", jpath, *jpath ? "." : "", k);
            return cfail(c, p, "unknown key%s; expected one of the mapping language's keys%s", "",
                         hint(k, allowed, h, sizeof h));
        }
    }
    return 0;
}

static size_t add_path(mapping *m, const char *text, const char *entry)
{
    ALLOC_GROW(m->paths, m->cappaths, m->npaths + 1);
    m->paths[m->npaths].text = xstrdup(text);
    m->paths[m->npaths].entry = xstrdup(entry);
    m->paths[m->npaths].matched = 0;
    m->paths[m->npaths].optional = 0;
    return m->npaths++;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Copies a string or a non-empty array of strings into a new vector. */
static int strings_of(const cctx *c, const json_t *v, const char *jpath, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (json_is_string(v)) {
        *out = xcalloc(1, sizeof **out);
        (*out)[(*n)++] = xstrdup(json_string_value(v));
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) == 0)
        return cfail(c, jpath, "expected a string or a non-empty array of strings");
    *out = xcalloc(json_array_size(v), sizeof **out);
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *e = json_array_get(v, i);
        rs_buf t = {0};
        if (json_is_object(e) || json_is_array(e) || json_is_null(e)) {
            free_strings(*out, *n); /* nothing half-built is left to the caller */
            *out = NULL;
            *n = 0;
            return cfail(c, jpath, "expected strings in the array");
        }
        put_json(&t, e);
        (*out)[(*n)++] = xstrdup(t.data ? t.data : "");
        buf_free(&t);
    }
    return 0;
}

static int compile_time(const cctx *c, mvalue *mv, const json_t *t, const char *jp)
{
    static const char *const forms[] = {"iso8601", "epoch_seconds", "epoch_ms", "excel_serial",
                                        NULL};
    char h[96];
    if (!json_is_string(t))
        return cfail(c, jp, "expected a time format name or pattern");
    const char *s = json_string_value(t);
    mv->tr = TR_TIME;
    for (int i = 0; forms[i]; i++)
        if (strcmp(s, forms[i]) == 0) {
            mv->tf = (time_form)i;
            return 0;
        }
    if (!strstr(s, "yyyy") || !strstr(s, "mm") || !strstr(s, "dd"))
        return cfail(c, jp,
                     "'%s' is not a time format: iso8601, epoch_seconds, epoch_ms, "
                     "excel_serial, or a pattern of dd mm yyyy HH MM SS%s",
                     s, hint(s, forms, h, sizeof h));
    for (const char *p = s; *p; p++)
        if (isalpha((unsigned char)*p) && !strchr("ymdHMS", *p))
            return cfail(c, jp, "'%s': a pattern has only dd mm yyyy HH MM SS and separators%s", s,
                         "");
    mv->tf = TF_PATTERN;
    mv->pattern = xstrdup(s);
    return 0;
}

static int compile_transform(const cctx *c, mvalue *mv, const json_t *spec, const col_def *cd,
                             const char *jp)
{
    char p[300];
    const json_t *t;
    int n = 0;
    if ((t = json_object_get(spec, "time"))) {
        snprintf(p, sizeof p, "%s.time", jp);
        if (cd && cd->type != COL_TS)
            return cfail(c, p, "'time' is for a time column, not '%s'", cd->name);
        if (compile_time(c, mv, t, p) != 0)
            return RS_E_CONFIG;
        n++;
    }
    if ((t = json_object_get(spec, "utc_offset"))) {
        snprintf(p, sizeof p, "%s.utc_offset", jp);
        const char *s = json_string_value(t);
        if (!s || parse_offset(s, strlen(s), &mv->offset_min) != 0)
            return cfail(c, p, "expected an offset such as \"+01:00\" or \"-05\"");
        mv->has_offset = 1;
        if (mv->tr == TR_NONE && (!cd || cd->type == COL_TS))
            mv->tr = TR_TIME, mv->tf = TF_ISO;
        else if (mv->tr != TR_TIME)
            return cfail(c, p, "'utc_offset' is for a time column");
    }
    if ((t = json_object_get(spec, "minor_units"))) {
        snprintf(p, sizeof p, "%s.minor_units", jp);
        if (cd && cd->type != COL_AMOUNT)
            return cfail(c, p, "'minor_units' is for an amount column, not '%s'", cd->name);
        if (json_is_integer(t) && json_integer_value(t) >= 0 && json_integer_value(t) <= 8)
            mv->minor = (int)json_integer_value(t);
        else if (json_is_string(t) && strcmp(json_string_value(t), "currency") == 0)
            mv->minor = -1;
        else
            return cfail(c, p, "expected 0 to 8 or \"currency\"");
        mv->tr = TR_MINOR;
        n++;
    }
    if ((t = json_object_get(spec, "decimal_comma"))) {
        snprintf(p, sizeof p, "%s.decimal_comma", jp);
        if (!json_is_boolean(t))
            return cfail(c, p, "expected true or false");
        if (cd && cd->type != COL_AMOUNT && cd->type != COL_STARS)
            return cfail(c, p, "'decimal_comma' is for a number column, not '%s'", cd->name);
        if (json_is_true(t))
            mv->tr = TR_DECIMAL_COMMA, n++;
    }
    if ((t = json_object_get(spec, "bool"))) {
        snprintf(p, sizeof p, "%s.bool", jp);
        const json_t *tw = json_object_get(t, "true"), *fw = json_object_get(t, "false");
        if (!json_is_object(t) || !json_is_array(tw) || !json_is_array(fw) ||
            json_object_size(t) != 2)
            return cfail(c, p, "expected {\"true\": [words], \"false\": [words]}");
        if (cd && cd->type != COL_BOOL)
            return cfail(c, p, "'bool' is for a boolean column, not '%s'", cd->name);
        mv->tr = TR_BOOL;
        mv->words = json_deep_copy(t);
        n++;
    }
    if ((t = json_object_get(spec, "values"))) {
        snprintf(p, sizeof p, "%s.values", jp);
        const char *k;
        const json_t *v;
        if (!json_is_object(t))
            return cfail(c, p, "expected an object of input value -> value");
        json_object_foreach(unconst(t), k, v)
        {
            if (!json_is_string(v))
                return cfail(c, p, "'%s': expected a string", k);
        }
        if (mv->words) /* bool took it */
            return cfail(c, jp, "at most one of time, minor_units, decimal_comma, bool, values");
        mv->tr = TR_VALUES;
        mv->words = json_deep_copy(t);
        n++;
    }
    if (n > 1)
        return cfail(c, jp, "at most one of time, minor_units, decimal_comma, bool, values");
    return 0;
}

static int compile_paths(const cctx *c, mapping *m, mvalue *mv, const json_t *v, const char *jp)
{
    char **ps = NULL;
    size_t n = 0;
    if (strings_of(c, v, jp, &ps, &n) != 0)
        return RS_E_CONFIG;
    int rc = 0;
    if (n > MAP_MAX_PATHS)
        rc = cfail(c, jp, "at most 8 paths");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (ps[i][0] == 0)
            rc = cfail(c, jp, "an empty path");
        else
            mv->paths[mv->npaths++] = add_path(m, ps[i], jp);
    }
    free_strings(ps, n);
    return rc;
}

/* Compiles one value spec (a path string or an object) for column cd (NULL
 * for an attribute's value). */
static int compile_value(const cctx *c, mapping *m, mvalue *mv, const json_t *spec,
                         const col_def *cd, const char *jp)
{
    static const char *const keys[] = {"path", "const",      "concat",      "sep",
                                       "time", "utc_offset", "minor_units", "decimal_comma",
                                       "bool", "values",     "optional",    NULL};
    char p[300];
    memset(mv, 0, sizeof *mv);
    if (json_is_string(spec))
        return compile_paths(c, m, mv, spec, jp);
    if (!json_is_object(spec))
        return cfail(c, jp, "expected a path or an object with path, const or concat");
    if (check_keys(c, spec, jp, keys) != 0)
        return RS_E_CONFIG;
    const json_t *path = json_object_get(spec, "path"), *cst = json_object_get(spec, "const"),
                 *cat = json_object_get(spec, "concat");
    if (!!path + !!cst + !!cat != 1)
        return cfail(c, jp, "exactly one of path, const, concat");
    if (cst) {
        rs_buf t = {0};
        snprintf(p, sizeof p, "%s.const", jp);
        if (json_is_object(cst) || json_is_array(cst) || json_is_null(cst))
            return cfail(c, p, "expected a string, number or boolean");
        put_json(&t, cst);
        mv->constant = xstrdup(t.data ? t.data : "");
        buf_free(&t);
    } else {
        snprintf(p, sizeof p, "%s.%s", jp, path ? "path" : "concat");
        size_t first = m->npaths;
        if (compile_paths(c, m, mv, path ? path : cat, p) != 0)
            return RS_E_CONFIG;
        mv->concat = cat != NULL;
        const json_t *opt = json_object_get(spec, "optional");
        if (opt && !json_is_boolean(opt))
            return cfail(c, jp, "'optional' must be true or false");
        /* A field a vendor writes only sometimes (Auth0's location_info when
         * it could geolocate): a file without it loads with the column blank. */
        for (size_t i = first; opt && json_is_true(opt) && i < m->npaths; i++)
            m->paths[i].optional = 1;
        const json_t *sep = json_object_get(spec, "sep");
        if (sep && !json_is_string(sep))
            return cfail(c, jp, "'sep' must be a string");
        mv->sep = xstrdup(sep ? json_string_value(sep) : " ");
    }
    return compile_transform(c, mv, spec, cd, jp);
}

static int compile_fields(const cctx *c, mapping *m, const json_t *fields)
{
    const char *k;
    const json_t *v;
    char jp[300], h[96];
    if (!json_is_object(fields))
        return cfail(c, "fields", "expected an object of contract column -> value");
    json_object_foreach(unconst(fields), k, v)
    {
        snprintf(jp, sizeof jp, "fields.%s", k);
        int col = schema_column(m->td, k, strlen(k));
        if (col < 0) {
            const char *near = schema_near(m->td, k, strlen(k));
            if (near)
                snprintf(h, sizeof h, " (did you mean '%s'?)", near);
            else
                h[0] = 0;
            return cfail(c, jp, "'%s' is not a column of this table%s", k, h);
        }
        if (compile_value(c, m, &m->field[col], v, &m->td->cols[col], jp) != 0)
            return RS_E_CONFIG;
        m->has_field[col] = 1;
    }
    return 0;
}

static int compile_where_one(const cctx *c, mapping *m, mwhere *w, const json_t *e, const char *jp)
{
    static const char *const keys[] = {"path", "equals", "in", "is_null", "not_null", NULL};
    if (!json_is_object(e))
        return cfail(c, jp, "expected {\"path\": ..., \"equals\"|\"in\"|\"is_null\"|\"not_null\"}");
    if (check_keys(c, e, jp, keys) != 0)
        return RS_E_CONFIG;
    const json_t *p = json_object_get(e, "path");
    if (!json_is_string(p) || json_string_length(p) == 0)
        return cfail(c, jp, "'path' must be a non-empty string");
    w->path = add_path(m, json_string_value(p), jp);
    const json_t *eq = json_object_get(e, "equals"), *in = json_object_get(e, "in"),
                 *isn = json_object_get(e, "is_null"), *nn = json_object_get(e, "not_null");
    if (!!eq + !!in + !!isn + !!nn != 1)
        return cfail(c, jp, "exactly one of equals, in, is_null, not_null");
    if ((isn && !json_is_true(isn)) || (nn && !json_is_true(nn)))
        return cfail(c, jp, "is_null and not_null take true");
    w->op = eq ? W_EQUALS : in ? W_IN : isn ? W_IS_NULL : W_NOT_NULL;
    if (eq || in) {
        if (eq && (json_is_array(eq) || json_is_object(eq)))
            return cfail(c, jp, "'equals' takes one value; use 'in' for several");
        if (strings_of(c, eq ? eq : in, jp, &w->vals, &w->nvals) != 0)
            return RS_E_CONFIG;
    }
    return 0;
}

static int compile_where(const cctx *c, mapping *m, const json_t *where)
{
    char jp[64];
    if (!json_is_array(where))
        return cfail(c, "where", "expected an array of filters");
    m->where = xcalloc(json_array_size(where) + 1, sizeof *m->where);
    for (size_t i = 0; i < json_array_size(where); i++) {
        snprintf(jp, sizeof jp, "where[%zu]", i);
        m->nwhere++; /* counted first: freed if it fails */
        if (compile_where_one(c, m, &m->where[i], json_array_get(where, i), jp) != 0)
            return RS_E_CONFIG;
    }
    return 0;
}

static int compile_direction(const cctx *c, mapping *m, const json_t *d)
{
    static const char *const keys[] = {"path", "keep", NULL};
    if (m->table != TABLE_RATINGS)
        return cfail(c, "direction", "only a ratings mapping has a direction");
    if (!json_is_object(d) || check_keys(c, d, "direction", keys) != 0)
        return cfail(c, "direction", "expected {\"path\": ..., \"keep\": [values]}");
    const json_t *p = json_object_get(d, "path");
    if (!json_is_string(p) || json_string_length(p) == 0)
        return cfail(c, "direction.path", "expected a path");
    m->dir_path = add_path(m, json_string_value(p), "direction");
    m->has_direction = 1;
    const json_t *keep = json_object_get(d, "keep");
    if (!keep)
        return cfail(c, "direction.keep", "missing: the values of the rows that count");
    return strings_of(c, keep, "direction.keep", &m->dir_keep, &m->ndir_keep);
}

static int compile_attributes(const cctx *c, mapping *m, const json_t *a)
{
    const char *k;
    const json_t *v;
    char jp[300];
    if (m->table != TABLE_ATTRIBUTES)
        return cfail(c, "attributes", "only an attributes mapping melts columns into attributes");
    if (!json_is_object(a) || json_object_size(a) == 0)
        return cfail(c, "attributes", "expected an object of kind -> value");
    if (m->has_field[COLUMN_ATTRIBUTES_KIND] || m->has_field[COLUMN_ATTRIBUTES_VALUE])
        return cfail(c, "attributes", "with attributes, fields may not give kind or value");
    m->attrs = xcalloc(json_object_size(a), sizeof *m->attrs);
    json_object_foreach(unconst(a), k, v)
    {
        snprintf(jp, sizeof jp, "attributes.%s", k);
        mattr *at = &m->attrs[m->nattrs++]; /* counted first: freed if it fails */
        at->kind = xstrdup(k);
        if (compile_value(c, m, &at->v, v, NULL, jp) != 0)
            return RS_E_CONFIG;
    }
    return 0;
}

static int compile_source(const cctx *c, mapping *m, const json_t *spec)
{
    static const char *const formats[] = {"csv", "tsv", "jsonl", "json", NULL};
    const json_t *t;
    char h[96];
    if ((t = json_object_get(spec, "name")) && !json_is_string(t))
        return cfail(c, "name", "expected a string");
    m->name = xstrdup(t ? json_string_value(t) : "mapping");
    t = json_object_get(spec, "table");
    if (!json_is_string(t))
        return cfail(c, "table", "missing: the contract table this mapping produces");
    m->table = TABLE_COUNT;
    for (int i = 0; i < TABLE_COUNT; i++)
        if (strcmp(json_string_value(t), records_table_name((table_id)i)) == 0)
            m->table = (table_id)i;
    if (m->table == TABLE_COUNT)
        return cfail(c, "table", "'%s' is not a contract table%s", json_string_value(t), "");
    m->td = schema_table(m->table);
    if ((t = json_object_get(spec, "format"))) {
        const char *f = json_string_value(t);
        int ok = 0;
        for (int i = 0; f && formats[i]; i++)
            ok |= strcmp(f, formats[i]) == 0;
        if (!ok)
            return cfail(c, "format", "'%s' is not one of csv, tsv, jsonl, json%s", f ? f : "?",
                         f ? hint(f, formats, h, sizeof h) : "");
        m->format = xstrdup(f);
    }
    if ((t = json_object_get(spec, "files")) &&
        strings_of(c, t, "files", &m->files, &m->nfiles) != 0)
        return RS_E_CONFIG;
    m->header = 1;
    if ((t = json_object_get(spec, "header"))) {
        if (!json_is_boolean(t))
            return cfail(c, "header", "expected true or false");
        m->header = json_is_true(t);
    }
    if ((t = json_object_get(spec, "columns")) &&
        strings_of(c, t, "columns", &m->columns, &m->ncolumns) != 0)
        return RS_E_CONFIG;
    if (!m->header && m->ncolumns == 0)
        return cfail(c, "columns", "a file without a header needs 'columns' to name its fields");
    if ((t = json_object_get(spec, "escapes"))) {
        if (!json_is_string(t) || strcmp(json_string_value(t), "backslash") != 0)
            return cfail(c, "escapes", "expected \"backslash\" (a database's text form)");
        m->backslash = 1;
    }
    if ((t = json_object_get(spec, "records"))) {
        if (!json_is_string(t))
            return cfail(c, "records", "expected a path");
        m->records = xstrdup(json_string_value(t));
    }
    if ((t = json_object_get(spec, "null_values")) &&
        strings_of(c, t, "null_values", &m->nulls, &m->nnulls) != 0)
        return RS_E_CONFIG;
    return 0;
}

/* Checks what needs the whole spec: required columns given, currency there
 * for minor_units "currency". */
static int compile_check(const cctx *c, mapping *m)
{
    char jp[64];
    for (size_t i = 0; i < m->td->ncols; i++) {
        const col_def *cd = &m->td->cols[i];
        int given = m->has_field[i] ||
                    (m->nattrs && (i == COLUMN_ATTRIBUTES_KIND || i == COLUMN_ATTRIBUTES_VALUE));
        if (cd->required && !given) {
            snprintf(jp, sizeof jp, "fields.%s", cd->name);
            return cfail(c, jp, "missing: '%s' is required in %s", cd->name, m->td->name);
        }
        if (m->has_field[i] && m->field[i].tr == TR_MINOR && m->field[i].minor < 0) {
            int cur = schema_column(m->td, "currency", 8);
            if (cur < 0 || !m->has_field[cur]) {
                snprintf(jp, sizeof jp, "fields.%s.minor_units", cd->name);
                return cfail(c, jp, "\"currency\" needs fields.currency");
            }
        }
    }
    return 0;
}

int mapping_compile(const json_t *spec, const char *where, mapping **out, rs_error *err)
{
    static const char *const keys[] = {
        "name",    "table",       "files", "format",    "header", "columns",    "escapes",
        "records", "null_values", "where", "direction", "fields", "attributes", NULL};
    cctx c = {where ? where : "mapping", err};
    mapping *m = xcalloc(1, sizeof *m);
    int rc = RS_E_CONFIG;
    const json_t *t;
    *out = NULL;
    if (!json_is_object(spec)) {
        cfail(&c, "(top)", "a mapping is a JSON object");
        goto cleanup;
    }
    if (check_keys(&c, spec, "", keys) != 0 || compile_source(&c, m, spec) != 0)
        goto cleanup;
    if (!(t = json_object_get(spec, "fields"))) {
        cfail(&c, "fields", "missing: contract column -> value");
        goto cleanup;
    }
    if (compile_fields(&c, m, t) != 0)
        goto cleanup;
    if ((t = json_object_get(spec, "where")) && compile_where(&c, m, t) != 0)
        goto cleanup;
    if ((t = json_object_get(spec, "direction")) && compile_direction(&c, m, t) != 0)
        goto cleanup;
    if ((t = json_object_get(spec, "attributes")) && compile_attributes(&c, m, t) != 0)
        goto cleanup;
    if (compile_check(&c, m) != 0)
        goto cleanup;
    m->spec_text = json_dumps(spec, JSON_COMPACT | JSON_SORT_KEYS);
    *out = m;
    m = NULL;
    rc = RS_OK;
cleanup:
    mapping_free(m);
    return rc;
}

static void mvalue_free(mvalue *mv)
{
    free(mv->sep);
    free(mv->constant);
    free(mv->pattern);
    json_decref(mv->words);
}

void mapping_free(mapping *m)
{
    if (!m)
        return;
    free(m->spec_text);
    free(m->name);
    free(m->format);
    free_strings(m->files, m->nfiles);
    free_strings(m->columns, m->ncolumns);
    free(m->records);
    free_strings(m->nulls, m->nnulls);
    for (size_t i = 0; i < m->npaths; i++) {
        free(m->paths[i].text);
        free(m->paths[i].entry);
    }
    free(m->paths);
    for (size_t i = 0; i < SCHEMA_MAX_COLS; i++) {
        mvalue_free(&m->field[i]);
        buf_free(&m->out[i]);
    }
    for (size_t i = 0; i < m->nwhere; i++)
        free_strings(m->where[i].vals, m->where[i].nvals);
    free(m->where);
    free_strings(m->dir_keep, m->ndir_keep);
    for (size_t i = 0; i < m->nattrs; i++) {
        free(m->attrs[i].kind);
        mvalue_free(&m->attrs[i].v);
    }
    free(m->attrs);
    free(m);
}

/* ------------------------------------------------------------------ */
/* Accessors */

const char *mapping_name(const mapping *m)
{
    return m->name;
}
const char *mapping_spec_text(const mapping *m)
{
    return m->spec_text ? m->spec_text : "";
}
table_id mapping_table(const mapping *m)
{
    return m->table;
}
const char *mapping_format(const mapping *m)
{
    return m->format;
}
int mapping_header(const mapping *m)
{
    return m->header;
}
int mapping_backslash_escapes(const mapping *m)
{
    return m->backslash;
}

/* MySQL's FIELDS ESCAPED BY '\\' as LOAD DATA reads it back. */
size_t mapping_unescape(const char *s, size_t n, char *out)
{
    if (n == 2 && s[0] == '\\' && s[1] == 'N') {
        memcpy(out, s, 2);
        return 2;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 == n) {
            out[o++] = s[i];
            continue;
        }
        char c = s[++i];
        switch (c) {
        case 't':
            out[o++] = '\t';
            break;
        case 'n':
            out[o++] = '\n';
            break;
        case 'r':
            out[o++] = '\r';
            break;
        case 'b':
            out[o++] = '\b';
            break;
        case 'Z':
            out[o++] = '\x1a';
            break;
        case '0':
            break; /* a NUL, which text cannot hold */
        default:
            out[o++] = c;
            break;
        }
    }
    return o;
}

const char *const *mapping_columns(const mapping *m, size_t *n)
{
    *n = m->ncolumns;
    return (const char *const *)m->columns;
}
const char *mapping_records(const mapping *m)
{
    return m->records;
}
const char *const *mapping_null_values(const mapping *m, size_t *n)
{
    *n = m->nnulls;
    return (const char *const *)m->nulls;
}
size_t mapping_file_globs(const mapping *m)
{
    return m->nfiles;
}

int mapping_matches_file(const mapping *m, const char *name)
{
    const char *base = strrchr(name, '/');
    for (size_t i = 0; i < m->nfiles; i++)
        if (fnmatch(m->files[i], name, 0) == 0 || (base && fnmatch(m->files[i], base + 1, 0) == 0))
            return 1;
    return 0;
}

const mapping_tally *mapping_tally_of(const mapping *m)
{
    return &m->tally;
}

/* ------------------------------------------------------------------ */
/* Applying */

static void tally_reason(mapping *m, const char *reason)
{
    mapping_tally *t = &m->tally;
    t->left_out++;
    for (size_t i = 0; i < t->nreasons; i++)
        if (strcmp(t->reasons[i].reason, reason) == 0) {
            t->reasons[i].count++;
            return;
        }
    if (t->nreasons == MAPPING_MAX_REASONS) {
        t->other++;
        return;
    }
    snprintf(t->reasons[t->nreasons].reason, sizeof t->reasons[0].reason, "%.95s", reason);
    t->reasons[t->nreasons++].count = 1;
}

static int in_list(char *const *v, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i]) == len && memcmp(v[i], s, len) == 0)
            return 1;
    return 0;
}

/* Whether rec passes the filters and the direction; when not, the reason is
 * tallied. */
static int passes(mapping *m, const json_t *rec)
{
    rs_buf b = {0};
    char reason[160];
    int ok = 1;
    for (size_t i = 0; ok && i < m->nwhere; i++) {
        const mwhere *w = &m->where[i];
        const char *p = m->paths[w->path].text;
        int has = path_text(m, w->path, rec, &b) == 0 && b.len > 0;
        const char *s = has ? b.data : "";
        if (w->op == W_IS_NULL && has)
            ok = 0, snprintf(reason, sizeof reason, "%s is not null", p);
        else if (w->op == W_NOT_NULL && !has)
            ok = 0, snprintf(reason, sizeof reason, "%s is null", p);
        else if ((w->op == W_EQUALS || w->op == W_IN) && !in_list(w->vals, w->nvals, s, b.len))
            ok = 0, snprintf(reason, sizeof reason, has ? "%s is '%.40s'" : "%s is null%.0s", p, s);
    }
    if (ok && m->has_direction) {
        int has = path_text(m, m->dir_path, rec, &b) == 0;
        const char *s = has ? b.data : "";
        if (!has || !in_list(m->dir_keep, m->ndir_keep, s, b.len)) {
            ok = 0;
            snprintf(reason, sizeof reason, has ? "%s is '%.40s'" : "%s is null%.0s",
                     m->paths[m->dir_path].text, s);
        }
    }
    if (!ok)
        tally_reason(m, reason);
    buf_free(&b);
    return ok;
}

int mapping_apply(mapping *m, const json_t *record, mapping_emit_fn emit, void *ctx)
{
    mapping_row row;
    memset(&row, 0, sizeof row);
    m->tally.records++;
    if (!passes(m, record))
        return 0;
    int cur = schema_column(m->td, "currency", 8);
    if (cur >= 0 && m->has_field[cur]) { /* first: minor_units may need it */
        if (value_of(m, &m->field[cur], record, NULL, &m->out[cur]) == 0)
            row.s[cur] = m->out[cur].data ? m->out[cur].data : "", row.n[cur] = m->out[cur].len;
    }
    for (size_t i = 0; i < m->td->ncols; i++) {
        if (!m->has_field[i] || (int)i == cur)
            continue;
        if (value_of(m, &m->field[i], record, cur >= 0 ? row.s[cur] : NULL, &m->out[i]) == 0)
            row.s[i] = m->out[i].data ? m->out[i].data : "", row.n[i] = m->out[i].len;
    }
    if (m->nattrs == 0) {
        m->tally.rows++;
        return emit(ctx, &row);
    }
    rs_buf *kind = &m->out[COLUMN_ATTRIBUTES_KIND], *val = &m->out[COLUMN_ATTRIBUTES_VALUE];
    for (size_t a = 0; a < m->nattrs; a++) {
        if (value_of(m, &m->attrs[a].v, record, NULL, val) != 0 || val->len == 0 ||
            table_null_like(COL_TEXT, val->data, val->len, NULL, 0))
            continue;
        buf_clear(kind);
        buf_puts(kind, m->attrs[a].kind);
        row.s[COLUMN_ATTRIBUTES_KIND] = kind->data, row.n[COLUMN_ATTRIBUTES_KIND] = kind->len;
        row.s[COLUMN_ATTRIBUTES_VALUE] = val->data, row.n[COLUMN_ATTRIBUTES_VALUE] = val->len;
        m->tally.rows++;
        int rc = emit(ctx, &row);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void mapping_start_file(mapping *m)
{
    memset(&m->tally, 0, sizeof m->tally);
    for (size_t i = 0; i < m->npaths; i++)
        m->paths[i].matched = 0;
    m->file_started = 1;
}

int mapping_finish_file(mapping *m, const char *display, rs_error *err)
{
    if (m->tally.records == 0)
        return RS_OK;
    for (size_t i = 0; i < m->npaths; i++) {
        const mpath *p = &m->paths[i];
        if (p->matched || p->optional)
            continue;
        /* a coalesce entry matches when any of its paths did */
        int other = 0;
        for (size_t k = 0; k < m->npaths; k++)
            other |= k != i && m->paths[k].matched && strcmp(m->paths[k].entry, p->entry) == 0 &&
                     strstr(p->entry, ".concat") == NULL;
        if (other)
            continue;
        return rs_error_set(err, RS_E_SCHEMA, display, 0, 0,
                            "mapping '%s': %s: path '%s' matches no field of the file's %" PRIu64
                            " records",
                            m->name, p->entry, p->text, m->tally.records);
    }
    return RS_OK;
}
