/* table.c - CSV (libcsv) and JSONL (jansson) table reader; see table.h.
 *
 * CSV is fed to libcsv one physical line at a time, which is how we know line
 * numbers (libcsv has none): a record starts on the first non-blank line fed
 * while no record is open, and its raw bytes are kept so that an error can be
 * located to a byte column by re-scanning the record (only on the error path).
 * libcsv runs with CSV_STRICT | CSV_STRICT_FINI so that a stray quote is an
 * error instead of swallowing the rest of the file.
 *
 * Every line is checked for valid UTF-8 and NUL bytes before parsing; both are
 * fatal, since a file with either is not the text export it claims to be.
 */
#include "ingest/table.h"

#include "graph/graph.h"
#include "ingest/source.h"
#include "base/ts.h"
#include "base/utf8.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/proc.h"
#include "ingest/amount.h"
#include "ingest/useragent.h"
#include "ingest/country.h"
#include "graph/intern.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *path;
    const char *name; /* display name */
    const table_def *def;
    const table_opts *o;
    table_row_fn fn;
    void *ctx;
    table_stats *st;
    rs_error *err;
    int fatal; /* negative code once a fatal error is recorded */
    int jsonl;
    source *src;
    struct csv_parser *csv; /* CSV only: libcsv's state, owned by csv_read */

    /* CSV state */
    int header_done;
    int *colmap; /* CSV field index -> schema column or -1 */
    size_t nheader;
    size_t ncolmap;
    rs_buf fields; /* field bytes, NUL separated */
    size_t *foff;  /* field start offsets into fields */
    size_t nfields, foff_cap;
    int in_record;
    long rec_line;     /* first physical line of the open record */
    uint64_t rec_off;  /* text offset of that line */
    uint64_t line_off; /* text offset of the line being parsed */
    rs_buf rec;        /* raw bytes of the open record */
    const char *line;  /* the physical line being parsed (borrowed) */
    size_t line_len;
    int line_in_rec; /* line already appended to rec */
    int reported;
    double t0, last_progress;

    tvalue vals[SCHEMA_MAX_COLS];
    char scratch[SCHEMA_MAX_COLS][64]; /* JSON numbers' text (see json_number_text) */

    /* Records mode (a mapping, or table_first_record's peek): whole records
     * as JSON objects instead of contract rows. */
    int fmt;
    int peek;       /* table_first_record: keep the first record and stop */
    json_t *peeked; /* that record (new reference) */
    json_t *hnames; /* CSV: the header's names, an array of strings */
    /* TABLE_FMT_JSON: the scanner's state across lines */
    int js, depth, in_str, esc;
} reader;

/* read_lines stops on a non-zero feed result: this one is not an error but
 * the end of a peek. */
#define TABLE_PEEK_DONE 1

/* Records mode (mapped files and peeks; defined with the mapped reader). */
static int records_mode(const reader *r);
static void csv_record_header(reader *r);
static void csv_record_row(reader *r);
static void csv_columns_header(reader *r);

/* --- bad rows ----------------------------------------------------------- */

static void count_reason(table_stats *st, const char *reason)
{
    for (size_t i = 0; i < st->nreasons; i++) {
        if (strcmp(st->reasons[i].reason, reason) == 0) {
            st->reasons[i].count++;
            return;
        }
    }
    if (st->nreasons < TABLE_MAX_REASONS) {
        snprintf(st->reasons[st->nreasons].reason, sizeof st->reasons[0].reason, "%s", reason);
        st->reasons[st->nreasons++].count = 1;
    } else {
        st->reasons_other++;
    }
}

static void count_blanked(table_stats *st, const char *reason)
{
    st->values_blanked++;
    for (size_t i = 0; i < st->nblanked; i++) {
        if (strcmp(st->blanked[i].reason, reason) == 0) {
            st->blanked[i].count++;
            return;
        }
    }
    if (st->nblanked < TABLE_MAX_REASONS) {
        snprintf(st->blanked[st->nblanked].reason, sizeof st->blanked[0].reason, "%s", reason);
        st->blanked[st->nblanked++].count = 1;
    }
}

/* Renders up to 40 bytes of a value for a message, controls as pictures (the
 * message goes through utf8_diag, which would replace them anyway). */
static void quote_value(const char *s, size_t n, char *out, size_t outlen)
{
    size_t used = utf8_sanitize_terminal(out, outlen - 3, s, n < 40 ? n : 40);
    if (used < n) {
        size_t l = strlen(out);
        memcpy(out + l, "...", 4); /* outlen - 3 left room for it */
    }
}

/* Records a bad row. key names the reason class for the histogram; the
 * message adds detail. Returns the fatal code when the row must stop the run. */
static int bad_row(reader *r, long line, long col, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int bad_row(reader *r, long line, long col, const char *key, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->st->rows_bad++;
    count_reason(r->st, key);
    uint64_t total = r->o->bad_total ? ++*r->o->bad_total : r->st->rows_bad;
    if (r->o->strict) {
        r->fatal = rs_error_set(r->err, RS_E_VALUE, r->name, line, col,
                                "%s (--strict: bad rows are fatal)", msg);
        return r->fatal;
    }
    if (r->o->diag && r->reported < r->o->report_limit) {
        utf8_diag(r->o->diag, r->o->progress ? "\r\033[K" : "", "%s:%ld:%ld: %s", r->name, line,
                  col, msg);
        r->reported++;
    }
    if (total > r->o->max_bad_rows) {
        r->fatal =
            rs_error_set(r->err, RS_E_LIMIT, r->name, line, col,
                         "too many bad rows (%" PRIu64 " > --max-bad-rows %" PRIu64 "); last: %s",
                         total, r->o->max_bad_rows, msg);
        return r->fatal;
    }
    return 0;
}

/* --- typed values ------------------------------------------------------- */

static int parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (n == 0 || n > 20)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_decimal(const char *s, size_t n, double *out)
{
    /* Plain decimal notation only: no hex, inf, nan, or spaces. */
    if (n == 0 || n > 64)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -1;
    }
    char buf[72];
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (end != buf + n || errno == ERANGE || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

/* Names platforms give the two roles (README "Values"). */
static int parse_role(const char *s, size_t n, int *role, rs_error *err)
{
    static const char *const freelancer[] = {"freelancer", "seller", "provider", "worker",
                                             "contractor", "talent", "vendor"};
    static const char *const client[] = {"client", "buyer", "employer", "customer", "hirer"};
    for (size_t i = 0; i < sizeof freelancer / sizeof *freelancer; i++)
        if (n == strlen(freelancer[i]) && !strncasecmp(s, freelancer[i], n)) {
            *role = ROLE_FREELANCER;
            return 0;
        }
    for (size_t i = 0; i < sizeof client / sizeof *client; i++)
        if (n == strlen(client[i]) && !strncasecmp(s, client[i], n)) {
            *role = ROLE_CLIENT;
            return 0;
        }
    rs_error_set(
        err, RS_E_VALUE, NULL, 0, 0, "%s",
        "role must be 'freelancer' (or seller, provider, worker, contractor, talent, vendor) "
        "or 'client' (or buyer, employer, customer, hirer)");
    return -1;
}

/* An address, or an address with a port: "a.b.c.d:port", "[v6]:port" (the
 * port is dropped: an access log's client port says nothing about the host). */
static int parse_ip(const char *s, size_t n, ipaddr *ip, rs_error *err)
{
    if (ipaddr_parse(s, n, ip, err) == 0)
        return 0;
    const char *host = s, *port;
    size_t hn;
    if (n > 2 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || close + 1 >= s + n || close[1] != ':')
            return -1;
        host = s + 1;
        hn = (size_t)(close - host);
        port = close + 2;
    } else {
        const char *colon = memchr(s, ':', n);
        if (!colon || memchr(colon + 1, ':', (size_t)(s + n - colon - 1)) ||
            !memchr(s, '.', (size_t)(colon - s)))
            return -1; /* IPv6 needs brackets around it before a port */
        hn = (size_t)(colon - s);
        port = colon + 1;
    }
    uint64_t pv;
    if (parse_uint(port, (size_t)(s + n - port), 65535, &pv) || pv == 0) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "invalid port after the IP address");
        return -1;
    }
    return ipaddr_parse(host, hn, ip, err);
}

/* A boolean as exports write it, any case: 1/0, true/false, yes/no, and the
 * one-letter t/f (PostgreSQL's COPY) and y/n (MySQL and Oracle flags), and
 * on/off (web forms). Every word has one meaning, so none is guessed. */
static int parse_bool(const char *s, size_t n, int *out, rs_error *err)
{
    static const char *const yes[] = {"1", "true", "yes", "t", "y", "on"};
    static const char *const no[] = {"0", "false", "no", "f", "n", "off"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (strlen(yes[i]) == n && !strncasecmp(s, yes[i], n)) {
            *out = 1;
            return 0;
        }
        if (strlen(no[i]) == n && !strncasecmp(s, no[i], n)) {
            *out = 0;
            return 0;
        }
    }
    rs_error_set(err, RS_E_VALUE, NULL, 0, 0,
                 "not a boolean (1/0, true/false, yes/no, t/f, y/n, on/off)");
    return -1;
}

/* Converts text to the column's type; a timestamp must also lie between
 * TS_EARLIEST and o->ts_latest unless that is TS_NONE. Returns 0, or -1
 * with the reason in err. */
static int convert(const col_def *c, const table_opts *o, tvalue *v, rs_error *err)
{
    const char *s = v->s;
    size_t n = v->n;
    switch (c->type) {
    case COL_ID:
        if (n > SCHEMA_MAX_ID) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0,
                         "value too long (limit "
                         "1024"
                         " bytes)");
            return -1;
        }
        return 0;
    case COL_TEXT:
        if (n > SCHEMA_MAX_TEXT) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0,
                         "value too long (limit "
                         "4096"
                         " bytes)");
            return -1;
        }
        return 0;
    case COL_IGNORED:
        return 0;
    case COL_TS:
        if (ts_parse(s, n, &v->v.ts, err))
            return -1;
        return o->ts_latest == TS_NONE ? 0 : ts_check_range(s, n, v->v.ts, o->ts_latest, err);
    case COL_IP:
        return parse_ip(s, n, &v->v.ip, err);
    case COL_UINT:
        if (parse_uint(s, n, UINT32_MAX, &v->v.u)) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "not a non-negative integer");
            return -1;
        }
        if (c->name[0] == 'p' && strcmp(c->name, "port") == 0 && (v->v.u < 1 || v->v.u > 65535)) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "port out of range 1-65535");
            return -1;
        }
        return 0;
    case COL_AMOUNT:
        if (amount_parse(s, n, &v->v.d, err))
            return -1;
        if (v->v.d < 0) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "negative amount");
            return -1;
        }
        return 0;
    case COL_STARS:
        if (parse_decimal(s, n, &v->v.d) && amount_parse(s, n, &v->v.d, err)) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "not a number");
            return -1;
        }
        if (v->v.d < 0 || v->v.d > 5) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "stars out of range 0-5");
            return -1;
        }
        return 0;
    case COL_BOOL:
        return parse_bool(s, n, &v->v.b, err);
    case COL_COUNTRY:
        return country_parse(s, n, v->v.cc, err);
    case COL_ROLE:
        return parse_role(s, n, &v->v.role, err);
    case COL_AGENT:
        v->v.b = useragent_remote_desktop(s, n);
        return 0;
    }
    rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "unknown column type");
    return -1;
}

/* The placeholder test behind table_null_like, on the trimmed value. */
static int null_word(col_type type, const char *s, size_t n)
{
    /* With their lengths: this runs for every field of every row. */
#define WORD(s) {s, sizeof s - 1}
    static const struct {
        char w[5];
        unsigned char n;
    } words[] = {WORD("null"), WORD("none"), WORD("n/a"), WORD("-")};
#undef WORD
    if (n == 0)
        return 1;
    if (n == 2 && s[0] == '\\' && s[1] == 'N')
        return 1;
    for (size_t i = 0; n <= 4 && i < sizeof words / sizeof *words; i++)
        if (n == words[i].n && !strncasecmp(s, words[i].w, n))
            return 1;
    /* NA is R's and pandas' missing value, and Namibia's code. */
    if (n == 2 && s[0] == 'N' && s[1] == 'A' && type != COL_COUNTRY)
        return 1;
    if (type == COL_ID) {
        /* 0, 000000, 00000000-0000-0000-0000-000000000000: ids no record has. */
        int zero = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] != '0' && s[i] != '-')
                return 0;
            zero |= s[i] == '0';
        }
        return zero;
    }
    return 0;
}

int table_null_like(col_type type, const char *s, size_t n, const char *const *extra, size_t nextra)
{
    if (type == COL_IGNORED || type == COL_AGENT)
        return 0;
    while (n > 0 && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (null_word(type, s, n))
        return 1;
    for (size_t i = 0; i < nextra; i++)
        if (strlen(extra[i]) == n && memcmp(extra[i], s, n) == 0)
            return 1;
    return 0;
}

/* --- locating columns for messages ---------------------------------------- */

/* The raw text of the current record, for error messages only. A record on
 * one line (almost all) is the current line itself; the earlier lines of a
 * multi-line record are kept in rec, and the current line is appended when an
 * error needs the whole record. */
static void rec_text(reader *r, const char **p, size_t *n)
{
    if (r->jsonl || r->rec.len == 0) {
        *p = r->line;
        *n = r->line_len;
        return;
    }
    if (!r->line_in_rec) {
        buf_append(&r->rec, r->line, r->line_len);
        r->line_in_rec = 1;
    }
    *p = r->rec.data;
    *n = r->rec.len;
}

/* The file's field separator (',' until the header line is seen). */
#define DELIM(r) ((r)->st->delimiter ? (r)->st->delimiter : ',')

/* Finds where CSV field k (0-based) starts in the raw record: *line_delta is
 * the number of newlines before it, *col its 1-based byte column. */
static void csv_locate(const char *raw, size_t n, char delim, size_t k, long *line_delta, long *col)
{
    size_t field = 0, linestart = 0;
    long nl = 0;
    int inq = 0;
    size_t i = 0;
    for (; i < n && field < k; i++) {
        char c = raw[i];
        if (c == '"')
            inq = !inq;
        else if (c == delim && !inq)
            field++;
        else if (c == '\n') {
            nl++;
            linestart = i + 1;
        }
    }
    *line_delta = nl;
    *col = (long)(i - linestart) + 1;
}

/* Locates the byte libcsv's strict mode rejects: a quote inside an unquoted
 * field, or anything but a separator or line end after a closing quote. */
static void csv_find_stray_quote(const char *raw, size_t n, char delim, long *line_delta, long *col)
{
    size_t linestart = 0, i = 0;
    long nl = 0;
    int inq = 0, field_start = 1, after_close = 0;
    for (; i < n; i++) {
        char c = raw[i];
        if (inq) {
            if (c == '"') {
                if (i + 1 < n && raw[i + 1] == '"') {
                    i++;
                    continue;
                }
                inq = 0;
                after_close = 1;
            } else if (c == '\n') {
                nl++;
                linestart = i + 1;
            }
            continue;
        }
        if (c == delim || c == '\n' || c == '\r') {
            if (c == '\n') {
                nl++;
                linestart = i + 1;
            }
            field_start = 1;
            after_close = 0;
            continue;
        }
        if (after_close && c != ' ' && c != '\t')
            break;
        if (c == '"') {
            if (!field_start)
                break;
            inq = 1;
        } else if (c != ' ' && c != '\t') {
            field_start = 0;
        }
    }
    *line_delta = nl;
    *col = (long)(i - linestart) + 1;
}

/* Byte column of the value of "key" in a JSON line, or 1. */
static long json_locate(const char *line, size_t n, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl + 2 <= n; i++) {
        if (line[i] == '"' && memcmp(line + i + 1, key, kl) == 0 && line[i + kl + 1] == '"') {
            size_t j = i + kl + 2;
            while (j < n && (line[j] == ' ' || line[j] == '\t'))
                j++;
            if (j < n && line[j] == ':') {
                j++;
                while (j < n && (line[j] == ' ' || line[j] == '\t'))
                    j++;
                return (long)j + 1;
            }
        }
    }
    return 1;
}

/* Where schema column c of the current row is, for messages. */
static void locate(reader *r, int c, long *line, long *col)
{
    *line = r->rec_line;
    *col = 1;
    if (r->jsonl) {
        if (c >= 0)
            *col = json_locate(r->line, r->line_len, r->def->cols[c].name);
        return;
    }
    for (size_t k = 0; k < r->ncolmap; k++) {
        if (r->colmap[k] == c) {
            long dl;
            const char *raw;
            size_t rn;
            rec_text(r, &raw, &rn);
            csv_locate(raw, rn, DELIM(r), k, &dl, col);
            *line += dl;
            return;
        }
    }
}

/* --- rows ----------------------------------------------------------------- */

/* Validates the present values in r->vals and hands the row over. */
static void process_row(reader *r)
{
    r->st->rows_read++;
    for (size_t c = 0; c < r->def->ncols; c++) {
        tvalue *v = &r->vals[c];
        const col_def *cd = &r->def->cols[c];
        rs_error why;
        long line, col;
        if (!v->present) {
            if (cd->required) {
                locate(r, (int)c, &line, &col);
                bad_row(r, line, col, "missing value", "%s: missing required value", cd->name);
                return;
            }
            continue;
        }
        if (table_null_like(cd->type, v->s, v->n, r->o->null_values, r->o->nnull_values)) {
            /* A placeholder is no value: never parsed, never a shared resource. */
            char q[64], key[96];
            quote_value(v->s, v->n, q, sizeof q);
            if (snprintf(key, sizeof key, "%s: null-like value '%s'", cd->name, q) < 0)
                key[0] = '\0';
            v->present = 0;
            if (cd->required) {
                locate(r, (int)c, &line, &col);
                bad_row(r, line, col, key, "%s", key);
                return;
            }
            count_blanked(r->st, key);
            continue;
        }
        if (convert(cd, r->o, v, &why)) {
            char q[64];
            quote_value(v->s, v->n, q, sizeof q);
            locate(r, (int)c, &line, &col);
            char key[96];
            /* A long reason is cut to fit key, as the reasons table keeps it. */
            if (snprintf(key, sizeof key, "%s: %s", cd->name, why.msg) < 0)
                key[0] = '\0';
            if (!cd->required && !r->o->strict) {
                /* An optional value: the row is still worth loading. */
                v->present = 0;
                count_blanked(r->st, key);
                if (r->o->diag && r->reported < r->o->report_limit) {
                    utf8_diag(r->o->diag, r->o->progress ? "\r\033[K" : "",
                              "%s:%ld:%ld: %s: %s: \"%s\" (value ignored, row kept)", r->name, line,
                              col, cd->name, why.msg, q);
                    r->reported++;
                }
                continue;
            }
            bad_row(r, line, col, key, "%s: %s: \"%s\"", cd->name, why.msg, q);
            return;
        }
    }
    if (r->fn) {
        if (r->o->row_line)
            *r->o->row_line = r->rec_line;
        if (r->o->row_pos) {
            const char *raw;
            size_t rn;
            rec_text(r, &raw, &rn);
            r->o->row_pos->at =
                (source_range){r->rec_off, r->line_off + r->line_len - r->rec_off, r->rec_line};
            r->o->row_pos->sum = (uint32_t)intern_hash(raw, rn);
        }
        int bad_col = -1;
        rs_error rerr;
        rerr.code = RS_OK;
        int frc = r->fn(r->ctx, r->vals, &bad_col, &rerr);
        const char *why = rerr.code != RS_OK ? rerr.msg : "rejected";
        if (frc == TABLE_ROW_SKIP) {
            r->st->out_of_window++;
            return;
        }
        if (frc != 0) {
            long line, col;
            locate(r, bad_col, &line, &col);
            char key[96];
            /* A long reason is cut to fit key, as the reasons table keeps it. */
            if (snprintf(key, sizeof key, "%s%s%s", bad_col >= 0 ? r->def->cols[bad_col].name : "",
                         bad_col >= 0 ? ": " : "", why) < 0)
                key[0] = '\0';
            bad_row(r, line, col, key, "%s", key);
            return;
        }
    }
    r->st->rows_ok++;
}

static void note_unknown(reader *r, const char *name, size_t n)
{
    table_stats *st = r->st;
    size_t have = strlen(st->unknown);
    if (have + n + 2 < sizeof st->unknown)
        snprintf(st->unknown + have, sizeof st->unknown - have, "%s%.*s", have ? "," : "", (int)n,
                 name);
}

static void note_mapped(reader *r, const char *name, const char *col)
{
    table_stats *st = r->st;
    size_t have = strlen(st->mapped);
    if (have + strlen(name) + strlen(col) + 3 < sizeof st->mapped)
        snprintf(st->mapped + have, sizeof st->mapped - have, "%s%s=%s", have ? "," : "", name,
                 col);
}

/* " (did you mean ...?)" for a missing required column c: a header field
 * close to its name, or else the header's fields and what they could be. */
static void missing_hint(reader *r, int c, const int *seen, char *out, size_t outlen)
{
    (void)seen;
    out[0] = '\0';
    const char *want = r->def->cols[c].name;
    for (size_t k = 0; k < r->nfields; k++) {
        const char *name = r->fields.data + r->foff[k];
        if (r->colmap[k] < 0 && schema_near(r->def, name, strlen(name)) == want) {
            snprintf(out, outlen,
                     " (did you mean '%s'? rename it '%s' or map it with the config's "
                     "\"columns\": {\"%s\": {\"%s\": \"%s\"}})",
                     name, want, r->def->name, name, want);
            return;
        }
    }
    if (r->nfields == 1 && (strchr(r->fields.data, ';') || strchr(r->fields.data, '\t')))
        snprintf(out, outlen,
                 " (the header is one field: is the file separated by something "
                 "other than , ; TAB or |?)");
    else
        snprintf(out, outlen,
                 " (header has %zu column%s; name one '%s' or map it with the "
                 "config's \"columns\")",
                 r->nfields, r->nfields == 1 ? "" : "s", want);
}

/* " (did you mean: a -> b, ...)" for unknown columns near unclaimed ones. */
static void unknown_hint(reader *r, const int *seen, char *out, size_t outlen)
{
    size_t j = 0;
    out[0] = '\0';
    for (size_t k = 0; k < r->nfields && j + 40 < outlen; k++) {
        if (r->colmap[k] >= 0)
            continue;
        const char *name = r->fields.data + r->foff[k];
        const char *near = schema_near(r->def, name, strlen(name));
        if (!near || seen[schema_column(r->def, near, strlen(near))])
            continue;
        int w =
            snprintf(out + j, outlen - j, "%s%s -> %s", j ? ", " : " (did you mean: ", name, near);
        if (w < 0 || (size_t)w >= outlen - j) {
            out[j] = '\0';
            break;
        }
        j += (size_t)w;
    }
    if (j && j + 2 < outlen)
        memcpy(out + j, "?)", 3);
}

/* Marks the config `columns` entry that read header name as a column, so
 * that an entry matching no header can be reported after the load. */
static void mark_alias(reader *r, const char *name, size_t n)
{
    char norm[128];
    if (!r->o->alias_used)
        return;
    schema_normalize(name, n, norm, sizeof norm);
    for (size_t i = 0; i < r->o->naliases; i++) {
        const schema_alias *a = &r->o->aliases[i];
        if ((!a->table || !strcmp(a->table, r->def->name)) && !strcmp(a->from, norm))
            r->o->alias_used[i] = 1;
    }
}

/* CSV header: maps field positions to schema columns. */
static void csv_header(reader *r)
{
    int seen[SCHEMA_MAX_COLS] = {0};
    r->colmap = xcalloc(r->nfields, sizeof *r->colmap);
    for (size_t k = 0; k < r->nfields; k++) {
        const char *name = r->fields.data + r->foff[k];
        size_t n = strlen(name);
        const char *via = NULL;
        int c = schema_resolve(r->def, name, n, r->o->aliases, r->o->naliases, &via);
        r->colmap[k] = c;
        if (c >= 0 && strcmp(via, "name") != 0)
            note_mapped(r, name, r->def->cols[c].name);
        if (c >= 0 && !strcmp(via, "config"))
            mark_alias(r, name, n);
        if (c >= 0 && seen[c]++) {
            long dl, col;
            const char *raw;
            size_t rn;
            rec_text(r, &raw, &rn);
            csv_locate(raw, rn, DELIM(r), k, &dl, &col);
            r->fatal = rs_error_set(r->err, RS_E_SCHEMA, r->name, r->rec_line + dl, col,
                                    "duplicate column '%s'", name);
            return;
        }
        if (c < 0)
            note_unknown(r, name, n);
    }
    r->ncolmap = r->nheader = r->nfields;
    for (size_t c = 0; c < r->def->ncols; c++) {
        if (r->def->cols[c].required && !seen[c]) {
            char hint[320];
            missing_hint(r, (int)c, seen, hint, sizeof hint);
            r->fatal = rs_error_set(r->err, RS_E_SCHEMA, r->name, r->rec_line, 0,
                                    "missing required column '%s' (table %s)%s",
                                    r->def->cols[c].name, r->def->name, hint);
            return;
        }
    }
    if (r->def == schema_table(TABLE_PORTS) && !seen[schema_column(r->def, "ip", 2)] &&
        !seen[schema_column(r->def, "device_id", 9)]) {
        r->fatal = rs_error_set(r->err, RS_E_SCHEMA, r->name, r->rec_line, 0,
                                "table ports needs a column 'ip' or 'device_id'");
        return;
    }
    if (r->st->unknown[0] && r->o->diag) {
        char hint[200];
        unknown_hint(r, seen, hint, sizeof hint);
        utf8_diag(r->o->diag, r->o->progress ? "\r\033[K" : "",
                  "%s:%ld: warning: ignoring unknown column(s): %s%s", r->name, r->rec_line,
                  r->st->unknown, hint);
    }
    r->header_done = 1;
}

static void csv_field_cb(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->fatal)
        return;
    ALLOC_GROW(r->foff, r->foff_cap, r->nfields + 1);
    r->foff[r->nfields++] = r->fields.len;
    buf_reserve(&r->fields, len + 1);
    if (s && len && r->o->map && mapping_backslash_escapes(r->o->map))
        len = mapping_unescape(s, len, r->fields.data + r->fields.len);
    else if (s && len)
        memcpy(r->fields.data + r->fields.len, s, len);
    else
        len = 0;
    r->fields.len += len + 1;
    r->fields.data[r->fields.len - 1] = '\0';
}

static void csv_row_cb(int c, void *data)
{
    (void)c;
    reader *r = data;
    if (!r->fatal) {
        if (!r->header_done && r->o->map && !mapping_header(r->o->map))
            csv_columns_header(r); /* and this record is a row */
        if (!r->header_done) {
            if (records_mode(r))
                csv_record_header(r);
            else
                csv_header(r);
            r->st->header_end = r->line_off + r->line_len;
        } else if (r->nfields != r->nheader) {
            long line = r->rec_line, col = 1, dl = 0;
            if (r->nfields > r->nheader) {
                const char *raw;
                size_t rn;
                rec_text(r, &raw, &rn);
                csv_locate(raw, rn, DELIM(r), r->nheader, &dl, &col);
            } else {
                /* Point just past the last field, before the line end. */
                const char *raw;
                size_t end;
                rec_text(r, &raw, &end);
                while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r'))
                    end--;
                csv_locate(raw, end, DELIM(r), SIZE_MAX, &dl, &col);
            }
            r->st->rows_read++;
            bad_row(r, line + dl, col, "wrong number of fields", "expected %zu fields, found %zu",
                    r->nheader, r->nfields);
        } else if (records_mode(r)) {
            csv_record_row(r);
        } else {
            for (size_t i = 0; i < r->def->ncols; i++)
                r->vals[i].present = 0;
            for (size_t k = 0; k < r->nfields; k++) {
                int col = r->colmap[k];
                if (col < 0)
                    continue;
                tvalue *v = &r->vals[col];
                v->s = r->fields.data + r->foff[k];
                v->n = (k + 1 < r->nfields ? r->foff[k + 1] : r->fields.len) - r->foff[k] - 1;
                v->present = v->n > 0;
            }
            process_row(r);
        }
    }
    r->nfields = 0;
    buf_clear(&r->fields);
    r->in_record = 0;
}

/* --- the first line -------------------------------------------------------- */

/* The separator the header line uses most outside quotes: , ; TAB or |
 * (',' on a tie or when there is none: a one-column file). */
static char sniff_delimiter(const char *s, size_t n)
{
    static const char cand[] = {',', ';', '\t', '|'};
    size_t count[4] = {0};
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        for (int k = 0; k < 4 && !quoted; k++)
            count[k] += s[i] == cand[k];
    }
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (count[k] > count[best])
            best = k;
    return cand[best];
}

int table_check_encoding(const char *s, size_t n, const char *display, rs_error *err)
{
    const unsigned char *u = (const unsigned char *)s;
    int le = n >= 2 && u[0] == 0xFF && u[1] == 0xFE, be = n >= 2 && u[0] == 0xFE && u[1] == 0xFF;
    size_t zeros_odd = 0, zeros_even = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        *(i % 2 ? &zeros_odd : &zeros_even) += u[i] == 0;
    const char *enc = le ? "UTF-16LE" : be ? "UTF-16BE" : NULL;
    if (!enc && n >= 8 && zeros_odd * 4 >= (n < 64 ? n : 64) / 2 * 3)
        enc = "UTF-16LE";
    else if (!enc && n >= 8 && zeros_even * 4 >= (n < 64 ? n : 64) / 2 * 3)
        enc = "UTF-16BE";
    if (!enc)
        return RS_OK;
    return rs_error_set(err, RS_E_FORMAT, display, 1, 1,
                        "the file is %s%s, not UTF-8: convert it with 'iconv -f %s -t UTF-8 "
                        "%s > converted.csv'",
                        enc, le || be ? " (byte-order mark)" : " (NUL in every other byte)",
                        le || be ? "UTF-16" : enc, display);
}

/* --- JSONL ---------------------------------------------------------------- */

/* Skips a JSON string starting at line[i] == '"'; returns the index after its
 * closing quote, or n. Sets *escaped when the string holds a backslash. */
static size_t json_skip_string(const char *line, size_t n, size_t i, int *escaped)
{
    for (i++; i < n && line[i] != '"'; i++)
        if (line[i] == '\\')
            *escaped = 1, i++;
    return i < n ? i + 1 : n;
}

static size_t json_skip_space(const char *line, size_t n, size_t i)
{
    while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'))
        i++;
    return i;
}

/* The text of the number that member "key" of the one-level JSON object in
 * line[0..n) holds, as written: *at is its offset and its length is returned;
 * 0 when the member is not found as a bare number (a key written with escapes
 * is not matched). jansson keeps only the parsed double, and "%.17g" of that
 * prints 3733.66 as 3733.6599999999999; evidence must show what the file said.
 * The line has already been parsed by jansson, so it is valid JSON. O(n). */
static size_t json_number_text(const char *line, size_t n, const char *key, size_t *at)
{
    size_t kl = strlen(key), i = json_skip_space(line, n, 0);
    if (i >= n || line[i] != '{')
        return 0;
    for (i++;;) {
        i = json_skip_space(line, n, i);
        if (i >= n || line[i] != '"')
            return 0;
        int escaped = 0;
        size_t k0 = i + 1;
        i = json_skip_string(line, n, i, &escaped);
        int match = !escaped && i - 1 - k0 == kl && memcmp(line + k0, key, kl) == 0;
        i = json_skip_space(line, n, i);
        if (i >= n || line[i] != ':')
            return 0;
        i = json_skip_space(line, n, i + 1);
        if (i >= n || line[i] == '{' || line[i] == '[')
            return 0; /* not a flat row; jsonl_line refuses it anyway */
        size_t v0 = i;
        if (line[i] == '"') {
            i = json_skip_string(line, n, i, &escaped);
            if (match)
                return 0;
        } else {
            while (i < n && line[i] != ',' && line[i] != '}' && line[i] != ' ' && line[i] != '\t' &&
                   line[i] != '\r' && line[i] != '\n')
                i++;
            if (match) {
                *at = v0;
                return i - v0;
            }
        }
        i = json_skip_space(line, n, i);
        if (i >= n || line[i] != ',')
            return 0;
        i++;
    }
}

/* Renders JSON number val of column c into the row's scratch for c: the
 * number's text as written when the column reads that text as the same value
 * (ids and texts always; amounts and stars when amount_parse gives the same
 * double, which keeps "1.250" - ambiguous as text, plain as JSON - printed
 * "1.25"), else jansson's value formatted as before. */
static void json_number_cell(reader *r, const char *line, size_t len, int c, const char *key,
                             json_t *val)
{
    tvalue *v = &r->vals[c];
    char *sc = r->scratch[c];
    size_t cap = sizeof r->scratch[0];
    if (json_is_integer(val))
        snprintf(sc, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(val));
    else
        snprintf(sc, cap, "%.17g", json_real_value(val));
    v->s = sc;
    v->n = strlen(sc);
    size_t at = 0, tn = json_number_text(line, len, key, &at);
    col_type t = r->def->cols[c].type;
    if (tn == 0 || tn >= cap || (tn == v->n && memcmp(line + at, sc, tn) == 0))
        return;
    int same = t == COL_ID || t == COL_TEXT || t == COL_IGNORED || t == COL_AGENT;
    if (t == COL_AMOUNT || t == COL_STARS) {
        double d = 0;
        same = amount_parse(line + at, tn, &d, NULL) == 0 && d == json_number_value(val);
    }
    if (!same)
        return;
    memcpy(sc, line + at, tn);
    sc[tn] = '\0';
    v->n = tn;
}

/* 1 when the line's first non-space character is '['. */
static int opens_array(const char *line, size_t len)
{
    size_t k = json_skip_space(line, len, 0);
    return k < len && line[k] == '[';
}

/* A field's value that is a JSON object or array: " (a nested object: ...)"
 * naming the fix, else "". */
static const char *nested_hint(const json_t *val)
{
    if (json_is_object(val))
        return " (a nested object: map nested fields with a `sources` mapping, docs/loading.md)";
    if (json_is_array(val))
        return " (an array: map its items with a `sources` mapping, docs/loading.md)";
    return "";
}

static void jsonl_line(reader *r, const char *line, size_t len)
{
    /* A file that opens with '[' is one JSON array (an API's dump), not
     * JSON Lines: every line of it would be a bad row, so say what it is. */
    if (r->st->rows_read == 0 && opens_array(line, len)) {
        r->fatal = rs_error_set(r->err, RS_E_FORMAT, r->name, r->rec_line, 1,
                                "this is a JSON array, not JSON Lines (one object per line): "
                                "name the file %s.json, the suffix for a JSON array",
                                r->def->name);
        return;
    }
    json_error_t jerr;
    json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    r->st->rows_read++;
    if (!obj) {
        /* At end of input jansson reports no column; its byte position is the end. */
        size_t content = len;
        while (content > 0 && (line[content - 1] == '\n' || line[content - 1] == '\r'))
            content--;
        long col = jerr.column > 0 ? jerr.column : (long)jerr.position + 1;
        if (col > (long)content + 1)
            col = (long)content + 1;
        bad_row(r, r->rec_line, col, "invalid JSON", "invalid JSON: %s", jerr.text);
        return;
    }
    if (!json_is_object(obj)) {
        json_decref(obj);
        bad_row(r, r->rec_line, 1, "not a JSON object", "line is not a JSON object%s",
                opens_array(line, len) ? " but an array" : "");
        return;
    }
    r->st->rows_read--; /* process_row counts it */
    for (size_t i = 0; i < r->def->ncols; i++)
        r->vals[i].present = 0;
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        const char *via = NULL;
        int c = schema_column(r->def, key, strlen(key));
        if (c < 0 &&
            (c = schema_resolve(r->def, key, strlen(key), r->o->aliases, r->o->naliases, &via)) >=
                0 &&
            !strstr(r->st->mapped, key))
            note_mapped(r, key, r->def->cols[c].name);
        if (c >= 0 && via && !strcmp(via, "config"))
            mark_alias(r, key, strlen(key));
        if (c < 0) {
            if (!r->st->unknown[0] && r->o->diag)
                utf8_diag(r->o->diag, r->o->progress ? "\r\033[K" : "",
                          "%s:%ld: warning: ignoring unknown field '%s'%s", r->name, r->rec_line,
                          key, nested_hint(val));
            else if (*nested_hint(val) && !strstr(r->st->unknown, key) && r->o->diag)
                utf8_diag(r->o->diag, r->o->progress ? "\r\033[K" : "",
                          "%s:%ld: warning: ignoring field '%s'%s", r->name, r->rec_line, key,
                          nested_hint(val));
            if (!strstr(r->st->unknown, key))
                note_unknown(r, key, strlen(key));
            continue;
        }
        tvalue *v = &r->vals[c];
        switch (json_typeof(val)) {
        case JSON_STRING:
            v->s = json_string_value(val);
            v->n = json_string_length(val);
            if (memchr(v->s, '\0', v->n)) {
                r->st->rows_read++;
                /* key belongs to obj: report before releasing it. */
                bad_row(r, r->rec_line, json_locate(line, len, key), "NUL in string",
                        "%s: string contains a NUL character", key);
                json_decref(obj);
                return;
            }
            break;
        case JSON_INTEGER:
        case JSON_REAL:
            json_number_cell(r, line, len, c, key, val);
            break;
        case JSON_TRUE:
        case JSON_FALSE:
            v->s = json_is_true(val) ? "true" : "false";
            v->n = strlen(v->s);
            break;
        case JSON_NULL:
            continue;
        default:
            r->st->rows_read++;
            bad_row(r, r->rec_line, json_locate(line, len, key), "not a scalar",
                    "%s: expected a string or number%s", key, nested_hint(val));
            json_decref(obj);
            return;
        }
        v->present = v->n > 0;
    }
    process_row(r);
    json_decref(obj);
}

/* --- records through a mapping --------------------------------------------
 * A mapped file's records are whole JSON objects; each row the mapping makes
 * of one goes through process_row like a contract row, so a mapped value gets
 * the same null-like test, converter and bad-row report (at the record's
 * line). */

static int records_mode(const reader *r)
{
    return r->o->map != NULL || r->peek;
}

static int emit_mapped(void *ctx, const mapping_row *row)
{
    reader *r = ctx;
    for (size_t c = 0; c < r->def->ncols; c++) {
        tvalue *v = &r->vals[c];
        v->s = row->s[c];
        v->n = row->n[c];
        v->present = row->s[c] != NULL && row->n[c] > 0;
    }
    process_row(r);
    return r->fatal;
}

/* One record (borrowed): through the mapping, or kept by a peek. */
static void record_out(reader *r, json_t *rec)
{
    if (r->peek) {
        r->peeked = json_incref(rec);
        r->fatal = TABLE_PEEK_DONE;
        return;
    }
    (void)mapping_apply(r->o->map, rec, emit_mapped, r);
}

/* One JSON record's text (a JSONL line, an array element): a contract row,
 * or in records mode an object handed to record_out. */
static void json_record(reader *r, const char *text, size_t len)
{
    if (!records_mode(r)) {
        jsonl_line(r, text, len);
        return;
    }
    json_error_t jerr;
    json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!obj) {
        r->st->rows_read++;
        bad_row(r, r->rec_line + (jerr.line > 1 ? jerr.line - 1 : 0),
                jerr.column > 0 ? jerr.column : 1, "invalid JSON", "invalid JSON: %s", jerr.text);
    } else if (!json_is_object(obj)) {
        r->st->rows_read++;
        bad_row(r, r->rec_line, 1, "not a JSON object", "record is not a JSON object");
    } else {
        record_out(r, obj);
    }
    json_decref(obj);
}

/* CSV in records mode: the header's names (or a headerless mapping's
 * columns) become the keys of each row's object. */
static void csv_record_header(reader *r)
{
    r->hnames = json_array();
    for (size_t k = 0; k < r->nfields; k++)
        json_array_append_new(r->hnames, json_string(r->fields.data + r->foff[k]));
    r->nheader = r->nfields;
    r->header_done = 1;
    if (r->peek) { /* a CSV file's first record is its header */
        json_t *o = json_object();
        for (size_t k = 0; k < r->nfields; k++)
            json_object_set_new(o, r->fields.data + r->foff[k], json_string(""));
        record_out(r, o);
        json_decref(o);
    }
}

static void csv_record_row(reader *r)
{
    json_t *o = json_object();
    for (size_t k = 0; k < r->nfields; k++) {
        size_t n = (k + 1 < r->nfields ? r->foff[k + 1] : r->fields.len) - r->foff[k] - 1;
        json_object_set_new(o, json_string_value(json_array_get(r->hnames, k)),
                            json_stringn(r->fields.data + r->foff[k], n));
    }
    record_out(r, o);
    json_decref(o);
}

/* A headerless mapped file: the mapping's columns name the fields. */
static void csv_columns_header(reader *r)
{
    size_t n = 0;
    const char *const *cols = mapping_columns(r->o->map, &n);
    r->hnames = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(r->hnames, json_string(cols[k]));
    r->nheader = n;
    r->header_done = 1;
}

/* --- one JSON document ------------------------------------------------------
 * An array of records is scanned element by element (strings, escapes and
 * nesting tracked across lines), so a large export is never held whole and
 * each element is reported at the line it starts on. A document that is an
 * object is held whole (bounded by max_record_bytes) and read at the end. */

enum { JS_START, JS_ARRAY, JS_ELEM, JS_WHOLE, JS_END };

static int js_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The element collected in r->rec is complete. */
static void js_element(reader *r)
{
    r->line = r->rec.data;
    r->line_len = r->rec.len;
    r->line_off = r->rec_off;
    json_record(r, r->rec.data, r->rec.len);
    buf_clear(&r->rec);
    r->line = NULL;
    r->line_len = 0;
}

/* Scans line[i..len) of an element; returns the index after the element's
 * last byte when it ends on this line (r->js back to JS_ARRAY or JS_END),
 * else len. */
static size_t js_scan(reader *r, const char *line, size_t len, size_t i)
{
    for (; i < len; i++) {
        char c = line[i];
        if (r->in_str) {
            if (r->esc)
                r->esc = 0;
            else if (c == '\\')
                r->esc = 1;
            else if (c == '"')
                r->in_str = 0;
        } else if (c == '"') {
            r->in_str = 1;
        } else if (c == '{' || c == '[') {
            r->depth++;
        } else if ((c == '}' || c == ']') && r->depth > 0) {
            if (--r->depth == 0) {
                r->js = JS_ARRAY;
                return i + 1;
            }
        } else if (r->depth == 0 && (c == ',' || c == ']')) {
            r->js = c == ']' ? JS_END : JS_ARRAY; /* a scalar element ends */
            return i;
        }
    }
    return len;
}

static int js_feed_line(reader *r, const char *line, size_t len, long lineno)
{
    uint64_t off = r->line_off;
    if (r->js == JS_WHOLE) {
        if (r->o->max_record_bytes && r->rec.len + len > r->o->max_record_bytes)
            return rs_error_set(r->err, RS_E_LIMIT, r->name, lineno, 1,
                                "JSON document longer than %llu bytes: write it as an array "
                                "of records or as JSON Lines",
                                (unsigned long long)r->o->max_record_bytes);
        buf_append(&r->rec, line, len);
        return RS_OK;
    }
    for (size_t i = 0; i < len && !r->fatal;) {
        char c = line[i];
        if (r->js == JS_ELEM) {
            size_t end = js_scan(r, line, len, i);
            buf_append(&r->rec, line + i, end - i);
            if (r->rec.len > r->o->max_record_bytes && r->o->max_record_bytes)
                return rs_error_set(r->err, RS_E_LIMIT, r->name, r->rec_line, 1,
                                    "array element longer than %llu bytes",
                                    (unsigned long long)r->o->max_record_bytes);
            if (r->js != JS_ELEM) {
                js_element(r);
                if (r->js == JS_END && end < len && line[end] == ']')
                    end++;
            }
            i = end;
            continue;
        }
        i++;
        if (js_space(c) || (r->js == JS_ARRAY && c == ','))
            continue;
        if (r->js == JS_START && c == '[') {
            r->js = JS_ARRAY;
        } else if (r->js == JS_START && c == '{') {
            r->js = JS_WHOLE;
            r->rec_line = lineno;
            buf_append(&r->rec, line + i - 1, len - i + 1);
            return RS_OK;
        } else if (r->js == JS_ARRAY && c == ']') {
            r->js = JS_END;
        } else if (r->js == JS_ARRAY) {
            r->js = JS_ELEM;
            r->depth = r->in_str = r->esc = 0;
            r->rec_line = lineno;
            r->rec_off = off + i - 1;
            buf_clear(&r->rec);
            i--;
        } else {
            return rs_error_set(r->err, RS_E_FORMAT, r->name, lineno, (long)i,
                                r->js == JS_START ? "not a JSON array or object: a .json file "
                                                    "holds an array of records (or write "
                                                    "JSON Lines as .jsonl)"
                                                  : "text after the end of the JSON array");
        }
    }
    return r->fatal;
}

/* A document that was one object: its records array (a mapping's
 * `records` path), or the object itself as the one record. */
static int js_whole(reader *r)
{
    json_error_t jerr;
    json_t *doc = json_loadb(r->rec.data, r->rec.len, JSON_REJECT_DUPLICATES, &jerr);
    int rc = RS_OK;
    if (!doc)
        return rs_error_set(r->err, RS_E_FORMAT, r->name, r->rec_line + jerr.line - 1,
                            jerr.column > 0 ? jerr.column : 1, "invalid JSON: %s", jerr.text);
    const char *rp = r->o->map ? mapping_records(r->o->map) : NULL;
    const json_t *arr = rp ? mapping_path_get(doc, rp) : NULL;
    if (rp && !json_is_array(arr)) {
        rc = rs_error_set(r->err, RS_E_SCHEMA, r->name, 1, 1,
                          "mapping '%s': no array of records at 'records' path '%s'",
                          mapping_name(r->o->map), rp);
    } else if (arr) {
        for (size_t k = 0; k < json_array_size(arr) && !r->fatal; k++) {
            json_t *e = json_array_get(arr, k);
            if (json_is_object(e)) {
                record_out(r, e);
            } else {
                r->st->rows_read++;
                bad_row(r, r->rec_line, 1, "not a JSON object", "record %zu is not a JSON object",
                        k);
            }
        }
    } else if (records_mode(r)) {
        record_out(r, doc);
    } else {
        r->line = r->rec.data;
        r->line_len = r->rec.len;
        jsonl_line(r, r->rec.data, r->rec.len);
    }
    json_decref(doc);
    return rc != RS_OK ? rc : r->fatal;
}

/* --- driver --------------------------------------------------------------- */

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

static void progress(reader *r, int final)
{
    double now = proc_now();
    if (!final && now - r->last_progress < 0.2)
        return;
    r->last_progress = now;
    double el = now - r->t0;
    double mb = (double)source_raw_done(r->src) / 1e6, tot = (double)source_raw_size(r->src) / 1e6;
    fprintf(r->o->diag, "\r\033[K  %-14s %8.1f / %.1f MB  %10" PRIu64 " rows  %6.2f M rows/s%s",
            r->name, mb, tot, r->st->rows_read, el > 0 ? (double)r->st->rows_read / el / 1e6 : 0.0,
            final ? "\n" : "");
    fflush(r->o->diag);
}

/* Prepares one physical line for either format: drops a UTF-8 byte-order
 * mark, refuses UTF-16 and, for CSV, picks the separator (line 1), then
 * checks the line is UTF-8 without NUL. Returns RS_OK or a fatal code with
 * r->err set; *line and *len may be advanced past the mark. */
static int line_prelude(reader *r, const char **line, size_t *len, long lineno)
{
    if (lineno == 1 && *len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
        *line += 3; /* UTF-8 byte order mark */
        *len -= 3;
        r->line_off += 3;
    }
    int rc;
    if (lineno == 1 && (rc = table_check_encoding(*line, *len, r->name, r->err)) != RS_OK)
        return rc;
    if (lineno == 1 && !r->jsonl) {
        r->st->delimiter = r->fmt == TABLE_FMT_TSV ? '\t' : sniff_delimiter(*line, *len);
        csv_set_delim(r->csv, (unsigned char)r->st->delimiter);
    }
    size_t bad;
    int u = utf8_check(*line, *len, &bad);
    if (u != UTF8_OK)
        return rs_error_set(r->err, RS_E_FORMAT, r->name, lineno, (long)bad + 1,
                            u == UTF8_NUL ? "NUL byte in text (binary file?)"
                                          : "invalid UTF-8 byte 0x%02x",
                            (unsigned)(unsigned char)(*line)[bad]);
    return RS_OK;
}

/* The JSONL reader's step: one object per non-blank line. */
static int jsonl_feed_line(reader *r, const char *line, size_t len, long lineno)
{
    if (!blank(line, len)) {
        r->rec_line = lineno;
        r->rec_off = r->line_off;
        r->line = line;
        r->line_len = len;
        json_record(r, line, len);
    }
    return r->fatal;
}

/* The CSV reader's step: feeds one physical line to libcsv, which calls
 * csv_row_cb once a record is complete; a record may span lines (quoted line
 * ends), so its raw bytes are kept in r->rec for messages and positions.
 * Returns RS_OK or a fatal code with r->err set. */
static int csv_feed_line(reader *r, const char *line, size_t len, long lineno)
{
    if (!r->in_record) {
        if (blank(line, len))
            return RS_OK;
        r->in_record = 1;
        r->rec_line = lineno;
        r->rec_off = r->line_off;
        buf_clear(&r->rec);
    } else if (r->o->max_record_bytes && r->rec.len + len > r->o->max_record_bytes) {
        return rs_error_set(r->err, RS_E_LIMIT, r->name, r->rec_line, 1,
                            "record longer than %llu bytes over %ld lines (an unclosed "
                            "quote?)",
                            (unsigned long long)r->o->max_record_bytes, lineno - r->rec_line + 1);
    }
    r->line = line;
    r->line_len = len;
    r->line_in_rec = 0;
    if (csv_parse(r->csv, line, len, csv_field_cb, csv_row_cb, r) != len && !r->fatal) {
        long dl, col;
        const char *raw;
        size_t rn;
        rec_text(r, &raw, &rn);
        csv_find_stray_quote(raw, rn, DELIM(r), &dl, &col);
        return rs_error_set(r->err, RS_E_FORMAT, r->name, r->rec_line + dl, col,
                            "malformed CSV: %s (a quote inside an unquoted field, or "
                            "text after a closing quote)",
                            csv_strerror(csv_error(r->csv)));
    }
    if (r->in_record && !r->line_in_rec) /* the record goes on: keep this line */
        buf_append(&r->rec, line, len);
    return r->fatal;
}

/* Every 64 Ki lines: the progress line and the resident-memory budget.
 * Returns RS_OK or RS_E_LIMIT with r->err set. */
static int every_64k_lines(reader *r, long lineno)
{
    if (r->o->progress && r->o->diag)
        progress(r, 0);
    uint64_t rss = r->o->max_rss ? proc_rss_now() : 0;
    if (rss > r->o->max_rss)
        return rs_error_set(r->err, RS_E_LIMIT, r->name, lineno, 0,
                            "memory budget exceeded: %llu MB resident, budget %llu MB "
                            "(--max-memory)",
                            (unsigned long long)(rss >> 20),
                            (unsigned long long)(r->o->max_rss >> 20));
    return RS_OK;
}

/* The line loop both readers share: each physical line of r->src through
 * line_prelude and then feed (csv_feed_line or jsonl_feed_line). Returns
 * RS_OK at end of input, or the first fatal code with r->err set. */
static int read_lines(reader *r, int (*feed)(reader *, const char *, size_t, long))
{
    const char *line;
    size_t len;
    uint64_t nlines = 0;
    int got, rc;
    while ((got = source_next_line(r->src, &line, &len, r->err)) > 0) {
        long lineno = source_line(r->src);
        r->line_off = source_line_offset(r->src);
        if ((rc = line_prelude(r, &line, &len, lineno)) != RS_OK)
            return rc;
        if ((rc = feed(r, line, len, lineno)) != RS_OK)
            return rc;
        if ((++nlines & 0xffff) == 0 && (rc = every_64k_lines(r, lineno)) != RS_OK)
            return rc;
    }
    return got < 0 ? got : RS_OK;
}

/* The JSONL reader: every line an object, no header. */
static int jsonl_read(reader *r)
{
    return read_lines(r, jsonl_feed_line);
}

/* The JSON document reader. */
static int json_read(reader *r)
{
    int rc = read_lines(r, js_feed_line);
    if (rc == RS_OK && r->js == JS_WHOLE)
        rc = js_whole(r);
    else if (rc == RS_OK && (r->js == JS_ARRAY || r->js == JS_ELEM))
        rc = rs_error_set(r->err, RS_E_FORMAT, r->name, r->rec_line, 0,
                          "unterminated JSON array at end of file");
    else if (rc == RS_OK && r->js == JS_START && !r->peek)
        rc = rs_error_set(r->err, RS_E_SCHEMA, r->name, 0, 0,
                          "empty file: a JSON array of records is expected");
    return rc;
}

/* The CSV reader: libcsv in strict mode, the first record the header.
 * Owns the parser for its duration. */
static int csv_read(reader *r)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return rs_error_set(r->err, RS_E_IO, r->name, 0, 0, "cannot initialise CSV parser");
    /* libcsv grows a field's buffer by this many bytes at a time (128 by default): a
     * 1 MiB field took 8 192 reallocations of a growing block, which is quadratic where
     * realloc copies (as under AddressSanitizer). 64 KiB keeps that to 16. */
    csv_set_blk_size(&p, 64 * 1024);
    /* A database's text form quotes nothing: with NUL (refused in every line)
     * as the quote character, a '"' is text wherever it stands. */
    if (r->o->map && mapping_backslash_escapes(r->o->map))
        csv_set_quote(&p, '\0');
    r->csv = &p;
    int rc = read_lines(r, csv_feed_line);
    if (rc == RS_OK && csv_fini(&p, csv_field_cb, csv_row_cb, r) != 0)
        rc = rs_error_set(r->err, RS_E_FORMAT, r->name, r->rec_line, 0,
                          "unterminated quoted field at end of file (record starts here)");
    if (rc == RS_OK && r->fatal)
        rc = r->fatal;
    if (rc == RS_OK && !r->header_done)
        rc = rs_error_set(r->err, RS_E_SCHEMA, r->name, 0, 0,
                          "empty file: a header row is required");
    csv_free(&p);
    r->csv = NULL;
    return rc;
}

/* Nothing loaded is a broken export, not a table of bad rows: RS_E_FORMAT
 * naming the most frequent reason when every row read was bad, else RS_OK. */
static int check_all_bad(const table_stats *st, const char *display, rs_error *err)
{
    if (st->rows_read == 0 || st->rows_bad != st->rows_read)
        return RS_OK;
    size_t top = 0;
    for (size_t i = 1; i < st->nreasons; i++)
        if (st->reasons[i].count > st->reasons[top].count)
            top = i;
    return rs_error_set(err, RS_E_FORMAT, display, 0, 0,
                        "every one of its %" PRIu64 " rows is bad (most often: %s)", st->rows_read,
                        st->nreasons ? st->reasons[top].reason : "rejected");
}

/* Opens r's source and reads it in r->fmt; RS_OK or the first fatal code. */
static int read_source(reader *r)
{
    const table_opts *opts = r->o;
    int rc;
    if (opts->ranges)
        rc = source_open_ranges(&r->src, r->path, r->name, opts->ranges, opts->nranges, r->err);
    else
        rc = source_open_sink(&r->src, r->path, r->name, opts->hash_sink, opts->hash_ctx, r->err);
    if (rc)
        return rc;
    r->st->gzip = source_is_gzip(r->src);
    source_set_limits(r->src, &opts->lim);
    return r->fmt == TABLE_FMT_JSON ? json_read(r) : r->jsonl ? jsonl_read(r) : csv_read(r);
}

static void reader_free(reader *r)
{
    if (r->src) {
        r->st->raw_bytes = source_raw_done(r->src);
        r->st->text_bytes = source_text_done(r->src);
    }
    r->st->seconds = proc_now() - r->t0;
    source_close(r->src);
    buf_free(&r->fields);
    buf_free(&r->rec);
    free(r->foff);
    free(r->colmap);
    json_decref(r->hnames);
}

int table_read(const char *path, const char *display, table_id tid, int jsonl,
               const table_opts *opts, table_row_fn fn, void *ctx, table_stats *st, rs_error *err)
{
    reader r = {0};
    memset(st, 0, sizeof *st);
    r.fmt = jsonl;
    r.jsonl = jsonl == TABLE_FMT_JSONL || jsonl == TABLE_FMT_JSON;
    st->jsonl = r.jsonl;
    r.path = path;
    r.name = display;
    r.def = schema_table(opts->map ? mapping_table(opts->map) : tid);
    r.o = opts;
    r.fn = fn;
    r.ctx = ctx;
    r.st = st;
    r.err = err;
    r.t0 = r.last_progress = proc_now();
    if (opts->map)
        mapping_start_file(opts->map);
    int rc = read_source(&r);
    if (rc == RS_OK && opts->map)
        rc = mapping_finish_file(opts->map, display, err);
    if (rc == RS_OK)
        rc = check_all_bad(st, display, err);
    if (rc == RS_OK) {
        rc = source_sha256(r.src, st->sha256, err);
        if (opts->progress && opts->diag)
            progress(&r, 1);
    }
    reader_free(&r);
    return rc;
}

int table_first_record(const char *path, const char *display, int fmt, json_t **out, rs_error *err)
{
    table_opts o = TABLE_OPTS_INIT;
    table_stats st;
    reader r = {0};
    memset(&st, 0, sizeof st);
    o.max_bad_rows = UINT64_MAX;
    *out = NULL;
    r.fmt = fmt;
    r.jsonl = fmt == TABLE_FMT_JSONL || fmt == TABLE_FMT_JSON;
    r.path = path;
    r.name = display;
    r.def = schema_table(TABLE_ACCOUNTS);
    r.o = &o;
    r.st = &st;
    r.err = err;
    r.peek = 1;
    r.t0 = r.last_progress = proc_now();
    int rc = read_source(&r);
    if (rc == TABLE_PEEK_DONE || (rc == RS_OK && r.fatal == TABLE_PEEK_DONE))
        rc = RS_OK;
    if (rc == RS_E_SCHEMA && !r.header_done && fmt != TABLE_FMT_JSON)
        rc = RS_OK; /* an empty file has no first record */
    if (rc == RS_OK)
        *out = r.peeked;
    else
        json_decref(r.peeked);
    reader_free(&r);
    return rc;
}
