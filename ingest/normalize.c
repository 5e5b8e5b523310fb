/* normalize.c - identity attributes to one written form; see normalize.h for
 * the rules.
 *
 * Byte-level kinds (email, URL, photo hash) work on the UTF-8 input directly:
 * they only fold ASCII. The Unicode kinds go through utf8proc once, into an
 * array of code points (NFKD or NFD, case-folded), which is then cut into
 * tokens held as (pointer, length) pairs into one scratch UTF-8 buffer; the
 * per-kind rules (honorifics, abbreviations, sorting) work on tokens. All
 * scratch memory is allocated per call and freed before returning, so the
 * functions share nothing and are thread-safe. Output goes through a sink that
 * refuses to write past the caller's buffer and remembers that it had to.
 */
#include "ingest/normalize.h"

#include "base/alloc.h"
#include "base/utf8.h"
#include "ingest/disposable_domains.h"
#include "model/attrs.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- output ------------------------------------------------------------ */

typedef struct {
    char *p;
    size_t cap, len;
    int over; /* something did not fit */
} sink;

static sink sink_init(char *out, size_t outlen)
{
    sink s = {out, outlen, 0, outlen == 0};
    if (outlen)
        out[0] = '\0';
    return s;
}

static void sink_put(sink *s, const char *b, size_t n)
{
    if (s->over || n >= s->cap - s->len) {
        s->over = 1;
        return;
    }
    memcpy(s->p + s->len, b, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void sink_putc(sink *s, char c)
{
    sink_put(s, &c, 1);
}

/* Appends token t[0..n), preceded by a space unless it is the first. */
static void sink_token(sink *s, const char *t, size_t n)
{
    if (s->len)
        sink_putc(s, ' ');
    sink_put(s, t, n);
}

/* Fails a value: msg into err (NULL: not kept), out emptied. Returns -1. */
static int refuse(rs_error *err, const char *msg, char *out, size_t outlen)
{
    rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "%s", msg);
    if (outlen)
        out[0] = '\0';
    return -1;
}

/* The return value of normalize_value for a finished sink. */
static int sink_done(const sink *s, rs_error *err)
{
    if (s->over) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "too long");
        if (s->cap)
            s->p[0] = '\0';
        return -1;
    }
    return (int)s->len;
}

/* ---- small helpers ------------------------------------------------------- */

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_space((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && is_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* 1 when s[0..n) equals the NUL-terminated word w. */
static int eq(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* 1 when s[0..n) equals w ignoring ASCII case (w is lower-case). */
static int eq_nocase(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != w[i])
            return 0;
    return 1;
}

/* ---- kinds -------------------------------------------------------------- */

/* Aliases in the compact form normalize_kind compares (lower case, without
 * ' ', '-', '_' and '.'). */
static const struct {
    const char *key;
    attr_kind kind;
} kind_alias[] = {
    {"email", ATTR_EMAIL},
    {"mail", ATTR_EMAIL},
    {"emailaddress", ATTR_EMAIL},
    {"phone", ATTR_PHONE},
    {"mobile", ATTR_PHONE},
    {"phonenumber", ATTR_PHONE},
    {"telephone", ATTR_PHONE},
    {"tel", ATTR_PHONE},
    {"cell", ATTR_PHONE},
    {"cellphone", ATTR_PHONE},
    {"mobilenumber", ATTR_PHONE},
    {"msisdn", ATTR_PHONE},
    {"name", ATTR_NAME},
    {"fullname", ATTR_NAME},
    {"legalname", ATTR_NAME},
    {"realname", ATTR_NAME},
    {"personname", ATTR_NAME},
    {"address", ATTR_ADDRESS},
    {"streetaddress", ATTR_ADDRESS},
    {"homeaddress", ATTR_ADDRESS},
    {"postaladdress", ATTR_ADDRESS},
    {"residentialaddress", ATTR_ADDRESS},
    {"billingaddress", ATTR_ADDRESS},
    {"shippingaddress", ATTR_SHIPPING_ADDRESS},
    {"shipto", ATTR_SHIPPING_ADDRESS},
    {"deliveryaddress", ATTR_SHIPPING_ADDRESS},
    {"shipping", ATTR_SHIPPING_ADDRESS},
    {"document", ATTR_DOCUMENT},
    {"passport", ATTR_DOCUMENT},
    {"iddocument", ATTR_DOCUMENT},
    {"documenthash", ATTR_DOCUMENT},
    {"documentnumber", ATTR_DOCUMENT},
    {"passportnumber", ATTR_DOCUMENT},
    {"idnumber", ATTR_DOCUMENT},
    {"nationalid", ATTR_DOCUMENT},
    {"photohash", ATTR_PHOTO_HASH},
    {"avatarhash", ATTR_PHOTO_HASH},
    {"phash", ATTR_PHOTO_HASH},
    {"profilephotohash", ATTR_PHOTO_HASH},
    {"imagehash", ATTR_PHOTO_HASH},
    {"selfiehash", ATTR_PHOTO_HASH},
    {"payoutholder", ATTR_PAYOUT_HOLDER},
    {"bankholder", ATTR_PAYOUT_HOLDER},
    {"accountholder", ATTR_PAYOUT_HOLDER},
    {"holdername", ATTR_PAYOUT_HOLDER},
    {"bankaccountholder", ATTR_PAYOUT_HOLDER},
    {"beneficiaryname", ATTR_PAYOUT_HOLDER},
    {"url", ATTR_URL},
    {"website", ATTR_URL},
    {"portfolio", ATTR_URL},
    {"github", ATTR_URL},
    {"gitlab", ATTR_URL},
    {"linkedin", ATTR_URL},
    {"homepage", ATTR_URL},
    {"profileurl", ATTR_URL},
    {"site", ATTR_URL},
    {"other", ATTR_OTHER},
};

attr_kind normalize_kind(const char *s, size_t n)
{
    char key[32];
    size_t m = 0;
    trim(&s, &n);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '-' || c == '_' || c == '.')
            continue;
        if (m + 1 >= sizeof key)
            return ATTR_OTHER;
        key[m++] = lower(c);
    }
    for (size_t i = 0; i < sizeof kind_alias / sizeof *kind_alias; i++)
        if (eq(key, m, kind_alias[i].key))
            return kind_alias[i].kind;
    return ATTR_OTHER;
}

const char *normalize_kind_name(attr_kind k)
{
    if ((int)k < 0 || k >= ATTR_KIND_COUNT)
        return attrs_kind_name(ATTR_OTHER);
    return attrs_kind_name(k);
}

/* ---- email ---------------------------------------------------------------- */

static int norm_email(const char *v, size_t n, char *out, size_t outlen, rs_error *err)
{
    trim(&v, &n);
    if (!n)
        return 0;
    size_t at = n, ats = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= 0x20 || c == 0x7F)
            return refuse(err, "space or control character in email", out, outlen);
        if (c == '@')
            at = i, ats++;
    }
    if (ats == 0)
        return refuse(err, "no @ in email", out, outlen);
    if (ats > 1)
        return refuse(err, "more than one @ in email", out, outlen);
    const char *dom = v + at + 1;
    size_t dn = n - at - 1;
    if (!dn || !memchr(dom, '.', dn) || dom[0] == '.' || dom[dn - 1] == '.')
        return refuse(err, "email domain must hold a dot, not at its ends", out, outlen);
    for (size_t i = 0; i + 1 < dn; i++)
        if (dom[i] == '.' && dom[i + 1] == '.')
            return refuse(err, "\"..\" in email domain", out, outlen);
    size_t ln = at;
    const char *plus = memchr(v, '+', ln);
    if (plus)
        ln = (size_t)(plus - v);
    int gmail = eq_nocase(dom, dn, "gmail.com") || eq_nocase(dom, dn, "googlemail.com");
    sink s = sink_init(out, outlen);
    for (size_t i = 0; i < ln; i++)
        if (!(gmail && v[i] == '.'))
            sink_putc(&s, lower(v[i]));
    if (!s.over && s.len == 0)
        return refuse(err, "empty local part in email", out, outlen);
    sink_putc(&s, '@');
    if (gmail) {
        sink_put(&s, "gmail.com", 9);
    } else {
        for (size_t i = 0; i < dn; i++)
            sink_putc(&s, lower(dom[i]));
    }
    return sink_done(&s, err);
}

static int domain_cmp(const void *key, const void *elem)
{
    const char *const *k = key; /* k[0] = start, k[1] = end */
    const char *e = *(const char *const *)elem;
    size_t n = (size_t)(k[1] - k[0]), en = strlen(e);
    int c = memcmp(k[0], e, n < en ? n : en);
    if (c)
        return c;
    return n < en ? -1 : n > en;
}

int normalize_email_disposable(const char *email, size_t n)
{
    size_t ntab = 0;
    const char *const *tab = disposable_domains_table(&ntab);
    size_t start = 0;
    for (size_t i = n; i > 0; i--)
        if (email[i - 1] == '@') {
            start = i;
            break;
        }
    const char *end = email + n;
    /* The domain, then each parent: after every '.' of it. */
    for (size_t i = start; i < n; i++) {
        if (i != start && email[i - 1] != '.')
            continue;
        const char *key[2] = {email + i, end};
        if (bsearch(key, tab, ntab, sizeof *tab, domain_cmp))
            return 1;
    }
    return 0;
}

/* ---- photo hash ------------------------------------------------------------ */

int normalize_photo_hash(const char *s, size_t n, uint64_t *out)
{
    if (n != 16)
        return -1;
    uint64_t h = 0;
    for (size_t i = 0; i < 16; i++) {
        int c = (unsigned char)s[i];
        if (!is_hex(c))
            return -1;
        int d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
        h = h << 4 | (uint64_t)d;
    }
    *out = h;
    return 0;
}

static int norm_photo(const char *v, size_t n, char *out, size_t outlen, rs_error *err)
{
    trim(&v, &n);
    if (!n)
        return 0;
    if (n >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
        v += 2, n -= 2;
    uint64_t h;
    if (normalize_photo_hash(v, n, &h) != 0)
        return refuse(err, "photo hash must be 16 hex digits", out, outlen);
    sink s = sink_init(out, outlen);
    for (size_t i = 0; i < n; i++)
        sink_putc(&s, lower(v[i]));
    return sink_done(&s, err);
}

/* ---- url ------------------------------------------------------------------- */

/* Hosts whose paths (user names) are case-insensitive. */
static int path_folds(const char *h, size_t n)
{
    static const char *const sites[] = {"github.com", "gitlab.com", "bitbucket.org",
                                        "linkedin.com"};
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++) {
        size_t l = strlen(sites[i]);
        if (n == l && memcmp(h, sites[i], l) == 0)
            return 1;
        if (n > l && h[n - l - 1] == '.' && memcmp(h + n - l, sites[i], l) == 0)
            return 1;
    }
    return 0;
}

static int norm_url(const char *v, size_t n, char *out, size_t outlen, rs_error *err)
{
    char host[256];
    trim(&v, &n);
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7F)
            return refuse(err, "space or control character in URL", out, outlen);
    /* scheme */
    size_t i = 0;
    while (i < n &&
           (is_alpha((unsigned char)v[i]) ||
            (i && (is_digit((unsigned char)v[i]) || v[i] == '+' || v[i] == '-' || v[i] == '.'))))
        i++;
    if (i && i + 2 < n && v[i] == ':' && v[i + 1] == '/' && v[i + 2] == '/')
        v += i + 3, n -= i + 3;
    else if (n >= 2 && v[0] == '/' && v[1] == '/')
        v += 2, n -= 2;
    size_t auth = 0;
    while (auth < n && v[auth] != '/' && v[auth] != '?' && v[auth] != '#')
        auth++;
    size_t path_end = auth;
    while (path_end < n && v[path_end] != '?' && v[path_end] != '#')
        path_end++;
    const char *a = v;
    size_t an = auth;
    for (size_t k = an; k > 0; k--)
        if (a[k - 1] == '@') { /* user information */
            a += k, an -= k;
            break;
        }
    /* port: after the last ':' that is not inside an IPv6 literal */
    size_t hn = an, pstart = an;
    for (size_t k = an; k > 0; k--) {
        if (a[k - 1] == ']')
            break;
        if (a[k - 1] == ':') {
            hn = k - 1, pstart = k;
            break;
        }
    }
    for (size_t k = pstart; k < an; k++)
        if (!is_digit((unsigned char)a[k]))
            return refuse(err, "malformed port in URL", out, outlen);
    const char *port = a + pstart;
    size_t portn = an - pstart;
    if (eq(port, portn, "80") || eq(port, portn, "443"))
        portn = 0;
    if (hn && a[hn - 1] == '.')
        hn--;
    if (hn > 4 && eq_nocase(a, 4, "www."))
        a += 4, hn -= 4;
    if (!hn)
        return refuse(err, "no host in URL", out, outlen);
    if (hn > sizeof host)
        return refuse(err, "too long", out, outlen);
    for (size_t k = 0; k < hn; k++)
        host[k] = lower(a[k]);
    const char *path = v + auth;
    size_t pn = path_end - auth;
    while (pn && path[pn - 1] == '/')
        pn--;
    int fold = path_folds(host, hn);
    sink s = sink_init(out, outlen);
    sink_put(&s, host, hn);
    if (portn) {
        sink_putc(&s, ':');
        sink_put(&s, port, portn);
    }
    for (size_t k = 0; k < pn; k++)
        sink_putc(&s, fold ? lower(path[k]) : path[k]);
    return sink_done(&s, err);
}

/* ---- Unicode folding ------------------------------------------------------- */

/* Decodes v[0..n) into a new array of code points with utf8proc options opts.
 * Returns the count and sets *cps (free with free()), or -1 on invalid input
 * (*cps NULL). */
static ptrdiff_t decode(const char *v, size_t n, utf8proc_option_t opts, int32_t **cps)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)v;
    *cps = NULL;
    utf8proc_ssize_t need = utf8proc_decompose(u, (utf8proc_ssize_t)n, NULL, 0, opts);
    if (need < 0)
        return -1;
    *cps = xmalloc(xmul((size_t)need + 1, sizeof **cps));
    utf8proc_ssize_t got = utf8proc_decompose(u, (utf8proc_ssize_t)n, *cps, need, opts);
    if (got < 0 || got > need) {
        free(*cps);
        *cps = NULL;
        return -1;
    }
    return (ptrdiff_t)got;
}

/* 1 for scripts whose combining marks are accents on a letter that stays the
 * same letter without them: Latin, Greek, Cyrillic and their extensions. */
static int accent_script(int32_t c)
{
    return c < 0x0530 || (c >= 0x1C80 && c <= 0x1C8F) || (c >= 0x1D00 && c <= 0x1FFF) ||
           (c >= 0x2C60 && c <= 0x2C7F) || (c >= 0xA640 && c <= 0xA69F) ||
           (c >= 0xA720 && c <= 0xA7FF) || (c >= 0xAB30 && c <= 0xAB6F) ||
           (c >= 0xFF21 && c <= 0xFF5A);
}

static int is_apostrophe(int32_t c)
{
    return c == '\'' || c == '`' || c == 0x2018 || c == 0x2019 || c == 0x02BC;
}

typedef struct {
    const char *p;
    size_t n;
} token;

/* Tokens of a name or an address, in one allocation. */
typedef struct {
    char *text;  /* the tokens' bytes, back to back */
    token *toks; /* pointers into text */
    size_t ntok;
    size_t comma; /* names: tokens before the first ',' (0: none) */
} tokens;

enum { TOK_NAME, TOK_ADDRESS };

static void tokens_free(tokens *t)
{
    free(t->text);
    free(t->toks);
}

/* Cuts the folded code points c[0..m) into tokens (normalize.h: letters,
 * digits and kept marks join; apostrophes vanish; anything else separates;
 * '#' is a token of its own in addresses; the first ',' is remembered in
 * names). */
static void tokenize(const int32_t *c, size_t m, int mode, tokens *t)
{
    t->text = xmalloc(xmul(m + 1, 4));
    t->toks = xmalloc(xmul(m + 1, sizeof *t->toks));
    t->ntok = t->comma = 0;
    size_t len = 0, start = 0;
    int open = 0, strip = 1;
    for (size_t i = 0; i <= m; i++) {
        int32_t cp = i < m ? c[i] : ' ';
        utf8proc_category_t cat = utf8proc_category(cp);
        int mark = cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
                   cat == UTF8PROC_CATEGORY_ME;
        if (mark && (strip || (cp >= 0x064B && cp <= 0x0652)))
            continue;
        if (!mark)
            strip = accent_script(cp);
        if (is_apostrophe(cp))
            continue;
        int word = mark || (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                   (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
        if (word) {
            if (!open)
                start = len, open = 1;
            len += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)t->text + len);
            continue;
        }
        if (open) {
            t->toks[t->ntok++] = (token){t->text + start, len - start};
            open = 0;
        }
        if (mode == TOK_ADDRESS && cp == '#') {
            t->text[len] = '#';
            t->toks[t->ntok++] = (token){t->text + len, 1};
            len++;
        } else if (mode == TOK_NAME && cp == ',' && !t->comma) {
            t->comma = t->ntok;
        }
    }
}

/* Folds v[0..n) (NFKD, case-folded, ignorables removed, compatibility
 * spaces, dashes and quotes lumped to ASCII) and cuts it into tokens. Returns
 * 0, or -1 on invalid UTF-8 (nothing to free then). */
static int fold_tokens(const char *v, size_t n, int mode, tokens *t)
{
    int32_t *cps = NULL;
    const utf8proc_option_t opts = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                   UTF8PROC_IGNORE | UTF8PROC_LUMP | UTF8PROC_STABLE;
    ptrdiff_t m = decode(v, n, opts, &cps);
    if (m < 0)
        return -1;
    tokenize(cps, (size_t)m, mode, t);
    free(cps);
    return 0;
}

/* ---- names ----------------------------------------------------------------- */

static int honorific(const token *t)
{
    static const char *const words[] = {"mr",  "mrs", "ms", "mx", "miss", "dr", "prof",
                                        "sir", "jr",  "sr", "ii", "iii",  "iv"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (eq(t->p, t->n, words[i]))
            return 1;
    return 0;
}

static int token_cmp(const void *a, const void *b)
{
    const token *x = a, *y = b;
    int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);
    if (c)
        return c;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* sorted: ATTR_NAME form; else written order with the comma rule. */
static int norm_name(const char *v, size_t n, int sorted, char *out, size_t outlen, rs_error *err)
{
    tokens t = {0};
    if (fold_tokens(v, n, TOK_NAME, &t) != 0)
        return refuse(err, "invalid UTF-8", out, outlen);
    /* Drop honorifics in place, keeping the comma position in step. */
    size_t k = 0, comma = 0;
    for (size_t i = 0; i < t.ntok; i++) {
        if (i == t.comma && t.comma)
            comma = k;
        if (!honorific(&t.toks[i]))
            t.toks[k++] = t.toks[i];
    }
    if (t.comma && t.comma == t.ntok)
        comma = k;
    sink s = sink_init(out, outlen);
    if (sorted) {
        qsort(t.toks, k, sizeof *t.toks, token_cmp);
        for (size_t i = 0; i < k; i++)
            sink_token(&s, t.toks[i].p, t.toks[i].n);
    } else {
        /* "Smith, John" -> "john smith" when both sides keep tokens. */
        size_t cut = comma && comma < k ? comma : 0;
        for (size_t i = cut; i < k; i++)
            sink_token(&s, t.toks[i].p, t.toks[i].n);
        for (size_t i = 0; i < cut; i++)
            sink_token(&s, t.toks[i].p, t.toks[i].n);
    }
    tokens_free(&t);
    return sink_done(&s, err);
}

int normalize_name_tokens(const char *v, size_t n, char *out, size_t outlen, rs_error *err)
{
    size_t bad = 0;
    int rc = utf8_check(v, n, &bad);
    if (rc == UTF8_INVALID)
        return refuse(err, "invalid UTF-8", out, outlen);
    if (rc == UTF8_NUL)
        return refuse(err, "NUL character in value", out, outlen);
    if (n > NORMALIZE_MAX_INPUT)
        return refuse(err, "too long", out, outlen);
    return norm_name(v, n, 0, out, outlen, err);
}

const char *normalize_name_family(const char *s, size_t n, size_t *len)
{
    while (n && s[n - 1] == ' ')
        n--;
    size_t i = n;
    while (i && s[i - 1] != ' ')
        i--;
    *len = n - i;
    return n ? s + i : NULL;
}

/* Length in bytes of the first character of t (at least 1). */
static size_t first_char(const token *t)
{
    size_t l = utf8_seq_len((const unsigned char *)t->p, t->n);
    return l ? l : 1;
}

static int is_initial(const token *t)
{
    return first_char(t) == t->n;
}

/* Splits s[0..n) at spaces into at most max tokens. Returns the count, or -1
 * when there are more. */
static int split(const char *s, size_t n, token *toks, int max)
{
    int k = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ')
            i++;
        size_t st = i;
        while (i < n && s[i] != ' ')
            i++;
        if (i > st) {
            if (k == max)
                return -1;
            toks[k++] = (token){s + st, i - st};
        }
    }
    return k;
}

/* Pairs unpaired initials of x with unpaired longer tokens of y that begin
 * with the same character. Returns the number of pairs made. */
static int pair_initials(const token *x, int nx, char *px, const token *y, int ny, char *py)
{
    int pairs = 0;
    for (int i = 0; i < nx; i++) {
        if (px[i] || !is_initial(&x[i]))
            continue;
        for (int j = 0; j < ny; j++) {
            if (py[j] || is_initial(&y[j]) || y[j].n < x[i].n ||
                memcmp(y[j].p, x[i].p, x[i].n) != 0)
                continue;
            px[i] = py[j] = 1;
            pairs++;
            break;
        }
    }
    return pairs;
}

int normalize_names_match(const char *a, size_t an, const char *b, size_t bn)
{
    enum { MAXTOK = 32 };
    token ta[MAXTOK], tb[MAXTOK];
    char pa[MAXTOK] = {0}, pb[MAXTOK] = {0};
    int na = split(a, an, ta, MAXTOK), nb = split(b, bn, tb, MAXTOK);
    if (na < 0 || nb < 0)
        return an == bn && memcmp(a, b, an) == 0 && an > 0;
    if (!na || !nb)
        return 0;
    qsort(ta, (size_t)na, sizeof *ta, token_cmp);
    qsort(tb, (size_t)nb, sizeof *tb, token_cmp);
    if (na == nb) { /* rule 1: equal multisets */
        int same = 1;
        for (int i = 0; i < na && same; i++)
            same = token_cmp(&ta[i], &tb[i]) == 0;
        if (same)
            return 1;
    }
    int pairs = 0, anchor = 0;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            if (!pb[j] && token_cmp(&ta[i], &tb[j]) == 0) {
                pa[i] = pb[j] = 1;
                pairs++;
                anchor |= !is_initial(&ta[i]);
                break;
            }
    pairs += pair_initials(ta, na, pa, tb, nb, pb);
    pairs += pair_initials(tb, nb, pb, ta, na, pa);
    int all_a = 1, all_b = 1;
    for (int i = 0; i < na; i++)
        all_a &= pa[i];
    for (int j = 0; j < nb; j++)
        all_b &= pb[j];
    int covered = na < nb ? all_a : nb < na ? all_b : all_a && all_b;
    return covered && pairs >= 2 && anchor;
}

/* ---- addresses --------------------------------------------------------------- */

static const struct {
    const char *abbr, *full;
} address_abbr[] = {
    {"st", "street"},         {"ave", "avenue"},   {"av", "avenue"},    {"rd", "road"},
    {"blvd", "boulevard"},    {"dr", "drive"},     {"ln", "lane"},      {"ct", "court"},
    {"pl", "place"},          {"sq", "square"},    {"hwy", "highway"},  {"pkwy", "parkway"},
    {"apt", "apartment"},     {"ste", "suite"},    {"fl", "floor"},     {"bldg", "building"},
    {"n", "north"},           {"s", "south"},      {"e", "east"},       {"w", "west"},
    {"ne", "northeast"},      {"nw", "northwest"}, {"se", "southeast"}, {"sw", "southwest"},
    {"usa", "united states"},
};

/* 1 when a '#' after this token adds nothing ("Apt #3"). */
static int unit_word(const char *p, size_t n)
{
    static const char *const words[] = {"apartment", "suite", "unit", "room", "floor", "building"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (eq(p, n, words[i]))
            return 1;
    return 0;
}

static const struct calling *calling_of(const char *country);

static int has_digit(const token *k)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->p[i] >= '0' && k->p[i] <= '9')
            return 1;
    return 0;
}

/* The tokens of an address without a country written after its postcode: a
 * final ISO 3166-1 alpha-2 code, "usa" or "u s [a]" following a token with a
 * digit ("TX 97962, US" is "TX 97962"). Exports write the country on some rows
 * and not on others; a state code after a city name ("Springfield, MA") is kept. */
static size_t address_end(const tokens *t)
{
    size_t e = t->ntok;
    const token *lt = e ? &t->toks[e - 1] : NULL;
    char cc[3] = {lt && lt->n == 2 ? lt->p[0] : 0, lt && lt->n == 2 ? lt->p[1] : 0, 0};
    if (e >= 3 && eq(t->toks[e - 1].p, t->toks[e - 1].n, "a") &&
        eq(t->toks[e - 2].p, t->toks[e - 2].n, "s") && eq(t->toks[e - 3].p, t->toks[e - 3].n, "u"))
        e -= 3;
    else if (e >= 2 && eq(t->toks[e - 1].p, t->toks[e - 1].n, "s") &&
             eq(t->toks[e - 2].p, t->toks[e - 2].n, "u"))
        e -= 2;
    else if (e >= 1 && (eq(lt->p, lt->n, "usa") || (cc[0] && calling_of(cc))))
        e -= 1;
    else
        return t->ntok;
    return e >= 3 && has_digit(&t->toks[e - 1]) ? e : t->ntok;
}

static int norm_address(const char *v, size_t n, char *out, size_t outlen, rs_error *err)
{
    tokens t = {0};
    if (fold_tokens(v, n, TOK_ADDRESS, &t) != 0)
        return refuse(err, "invalid UTF-8", out, outlen);
    sink s = sink_init(out, outlen);
    const char *last = "";
    size_t lastn = 0, end = address_end(&t);
    for (size_t i = 0; i < end; i++) {
        const token *k = &t.toks[i];
        const char *w = k->p;
        size_t wn = k->n;
        if (eq(w, wn, "#")) {
            if (unit_word(last, lastn))
                continue;
            w = "apartment", wn = 9;
        } else if (eq(w, wn, "u") && i + 1 < end && eq(t.toks[i + 1].p, t.toks[i + 1].n, "s")) {
            i += 1 + (i + 2 < end && eq(t.toks[i + 2].p, t.toks[i + 2].n, "a"));
            w = "united states", wn = 13;
        } else if ((eq(w, wn, "n") || eq(w, wn, "s")) && i + 1 < end &&
                   (eq(t.toks[i + 1].p, t.toks[i + 1].n, "e") ||
                    eq(t.toks[i + 1].p, t.toks[i + 1].n, "w"))) {
            /* "N.W." is "nw" */
            static const char *const quarter[] = {"northeast", "northwest", "southeast",
                                                  "southwest"};
            w = quarter[(w[0] == 's') * 2 + (t.toks[i + 1].p[0] == 'w')];
            wn = strlen(w);
            i++;
        } else {
            for (size_t j = 0; j < sizeof address_abbr / sizeof *address_abbr; j++)
                if (eq(w, wn, address_abbr[j].abbr)) {
                    w = address_abbr[j].full, wn = strlen(w);
                    break;
                }
        }
        sink_token(&s, w, wn);
        last = w, lastn = wn;
    }
    tokens_free(&t);
    return sink_done(&s, err);
}

/* ---- other ------------------------------------------------------------------- */

static int norm_other(const char *v, size_t n, char *out, size_t outlen, rs_error *err)
{
    int32_t *cps = NULL;
    ptrdiff_t m = decode(v, n, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STABLE, &cps);
    if (m < 0)
        return refuse(err, "invalid UTF-8", out, outlen);
    utf8proc_ssize_t k = utf8proc_normalize_utf32(cps, m, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    sink s = sink_init(out, outlen);
    int gap = 0;
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        utf8proc_category_t cat = utf8proc_category(cps[i]);
        if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
            cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_CC) {
            gap = 1;
            continue;
        }
        if (gap && s.len)
            sink_putc(&s, ' ');
        gap = 0;
        utf8proc_uint8_t b[4];
        utf8proc_ssize_t l = utf8proc_encode_char(cps[i], b);
        sink_put(&s, (const char *)b, (size_t)l);
    }
    free(cps);
    return sink_done(&s, err);
}

/* ---- documents ----------------------------------------------------------------- */

static int norm_document(const char *v, size_t n, char *out, size_t outlen, rs_error *err)
{
    int32_t *cps = NULL;
    ptrdiff_t m = decode(v, n, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_LUMP, &cps);
    if (m < 0)
        return refuse(err, "invalid UTF-8", out, outlen);
    sink s = sink_init(out, outlen);
    const char *bad = NULL;
    for (ptrdiff_t i = 0; i < m && !bad; i++) {
        int32_t c = cps[i];
        if (c == ' ' || c == '\t' || c == '-' || c == '.' || c == '/' || c == '_')
            continue;
        if (c < 0x80 && (is_alpha(c) || is_digit(c)))
            sink_putc(&s, (char)(is_alpha(c) ? (c & ~0x20) : c));
        else
            bad = "document number may hold only ASCII letters, digits and - . / _ spaces";
    }
    free(cps);
    if (bad)
        return refuse(err, bad, out, outlen);
    if (!s.over && s.len > 0 && s.len < 4)
        return refuse(err, "document number shorter than 4 characters", out, outlen);
    return sink_done(&s, err);
}

/* ---- phones ------------------------------------------------------------------ */

/* ISO 3166-1 alpha-2 -> ITU calling code and national trunk prefix ('0', '1'
 * for the North American plan (dropped from 11-digit numbers only), '8' for
 * RU and KZ (likewise), ' ' for none). Every assigned code, plus XK (Kosovo,
 * user-assigned but in common use). Sorted by code: bsearch. */
static const struct calling {
    char cc[3];
    char code[4];
    char trunk;
} calling_codes[] = {
    {"AD", "376", '0'}, {"AE", "971", '0'}, {"AF", "93", '0'},  {"AG", "1", '1'},
    {"AI", "1", '1'},   {"AL", "355", '0'}, {"AM", "374", '0'}, {"AO", "244", '0'},
    {"AQ", "672", '0'}, {"AR", "54", '0'},  {"AS", "1", '1'},   {"AT", "43", '0'},
    {"AU", "61", '0'},  {"AW", "297", '0'}, {"AX", "358", '0'}, {"AZ", "994", '0'},
    {"BA", "387", '0'}, {"BB", "1", '1'},   {"BD", "880", '0'}, {"BE", "32", '0'},
    {"BF", "226", '0'}, {"BG", "359", '0'}, {"BH", "973", '0'}, {"BI", "257", '0'},
    {"BJ", "229", '0'}, {"BL", "590", '0'}, {"BM", "1", '1'},   {"BN", "673", '0'},
    {"BO", "591", '0'}, {"BQ", "599", '0'}, {"BR", "55", '0'},  {"BS", "1", '1'},
    {"BT", "975", '0'}, {"BV", "47", '0'},  {"BW", "267", '0'}, {"BY", "375", '0'},
    {"BZ", "501", '0'}, {"CA", "1", '1'},   {"CC", "61", '0'},  {"CD", "243", '0'},
    {"CF", "236", '0'}, {"CG", "242", '0'}, {"CH", "41", '0'},  {"CI", "225", '0'},
    {"CK", "682", '0'}, {"CL", "56", '0'},  {"CM", "237", '0'}, {"CN", "86", '0'},
    {"CO", "57", '0'},  {"CR", "506", '0'}, {"CU", "53", '0'},  {"CV", "238", '0'},
    {"CW", "599", '0'}, {"CX", "61", '0'},  {"CY", "357", '0'}, {"CZ", "420", '0'},
    {"DE", "49", '0'},  {"DJ", "253", '0'}, {"DK", "45", '0'},  {"DM", "1", '1'},
    {"DO", "1", '1'},   {"DZ", "213", '0'}, {"EC", "593", '0'}, {"EE", "372", '0'},
    {"EG", "20", '0'},  {"EH", "212", '0'}, {"ER", "291", '0'}, {"ES", "34", '0'},
    {"ET", "251", '0'}, {"FI", "358", '0'}, {"FJ", "679", '0'}, {"FK", "500", '0'},
    {"FM", "691", '0'}, {"FO", "298", '0'}, {"FR", "33", '0'},  {"GA", "241", '0'},
    {"GB", "44", '0'},  {"GD", "1", '1'},   {"GE", "995", '0'}, {"GF", "594", '0'},
    {"GG", "44", '0'},  {"GH", "233", '0'}, {"GI", "350", '0'}, {"GL", "299", '0'},
    {"GM", "220", '0'}, {"GN", "224", '0'}, {"GP", "590", '0'}, {"GQ", "240", '0'},
    {"GR", "30", '0'},  {"GS", "500", '0'}, {"GT", "502", '0'}, {"GU", "1", '1'},
    {"GW", "245", '0'}, {"GY", "592", '0'}, {"HK", "852", '0'}, {"HM", "672", '0'},
    {"HN", "504", '0'}, {"HR", "385", '0'}, {"HT", "509", '0'}, {"HU", "36", '0'},
    {"ID", "62", '0'},  {"IE", "353", '0'}, {"IL", "972", '0'}, {"IM", "44", '0'},
    {"IN", "91", '0'},  {"IO", "246", '0'}, {"IQ", "964", '0'}, {"IR", "98", '0'},
    {"IS", "354", '0'}, {"IT", "39", ' '},  {"JE", "44", '0'},  {"JM", "1", '1'},
    {"JO", "962", '0'}, {"JP", "81", '0'},  {"KE", "254", '0'}, {"KG", "996", '0'},
    {"KH", "855", '0'}, {"KI", "686", '0'}, {"KM", "269", '0'}, {"KN", "1", '1'},
    {"KP", "850", '0'}, {"KR", "82", '0'},  {"KW", "965", '0'}, {"KY", "1", '1'},
    {"KZ", "7", '8'},   {"LA", "856", '0'}, {"LB", "961", '0'}, {"LC", "1", '1'},
    {"LI", "423", '0'}, {"LK", "94", '0'},  {"LR", "231", '0'}, {"LS", "266", '0'},
    {"LT", "370", '0'}, {"LU", "352", '0'}, {"LV", "371", '0'}, {"LY", "218", '0'},
    {"MA", "212", '0'}, {"MC", "377", '0'}, {"MD", "373", '0'}, {"ME", "382", '0'},
    {"MF", "590", '0'}, {"MG", "261", '0'}, {"MH", "692", '0'}, {"MK", "389", '0'},
    {"ML", "223", '0'}, {"MM", "95", '0'},  {"MN", "976", '0'}, {"MO", "853", '0'},
    {"MP", "1", '1'},   {"MQ", "596", '0'}, {"MR", "222", '0'}, {"MS", "1", '1'},
    {"MT", "356", '0'}, {"MU", "230", '0'}, {"MV", "960", '0'}, {"MW", "265", '0'},
    {"MX", "52", '0'},  {"MY", "60", '0'},  {"MZ", "258", '0'}, {"NA", "264", '0'},
    {"NC", "687", '0'}, {"NE", "227", '0'}, {"NF", "672", '0'}, {"NG", "234", '0'},
    {"NI", "505", '0'}, {"NL", "31", '0'},  {"NO", "47", '0'},  {"NP", "977", '0'},
    {"NR", "674", '0'}, {"NU", "683", '0'}, {"NZ", "64", '0'},  {"OM", "968", '0'},
    {"PA", "507", '0'}, {"PE", "51", '0'},  {"PF", "689", '0'}, {"PG", "675", '0'},
    {"PH", "63", '0'},  {"PK", "92", '0'},  {"PL", "48", '0'},  {"PM", "508", '0'},
    {"PN", "64", '0'},  {"PR", "1", '1'},   {"PS", "970", '0'}, {"PT", "351", '0'},
    {"PW", "680", '0'}, {"PY", "595", '0'}, {"QA", "974", '0'}, {"RE", "262", '0'},
    {"RO", "40", '0'},  {"RS", "381", '0'}, {"RU", "7", '8'},   {"RW", "250", '0'},
    {"SA", "966", '0'}, {"SB", "677", '0'}, {"SC", "248", '0'}, {"SD", "249", '0'},
    {"SE", "46", '0'},  {"SG", "65", '0'},  {"SH", "290", '0'}, {"SI", "386", '0'},
    {"SJ", "47", '0'},  {"SK", "421", '0'}, {"SL", "232", '0'}, {"SM", "378", ' '},
    {"SN", "221", '0'}, {"SO", "252", '0'}, {"SR", "597", '0'}, {"SS", "211", '0'},
    {"ST", "239", '0'}, {"SV", "503", '0'}, {"SX", "1", '1'},   {"SY", "963", '0'},
    {"SZ", "268", '0'}, {"TC", "1", '1'},   {"TD", "235", '0'}, {"TF", "262", '0'},
    {"TG", "228", '0'}, {"TH", "66", '0'},  {"TJ", "992", '0'}, {"TK", "690", '0'},
    {"TL", "670", '0'}, {"TM", "993", '0'}, {"TN", "216", '0'}, {"TO", "676", '0'},
    {"TR", "90", '0'},  {"TT", "1", '1'},   {"TV", "688", '0'}, {"TW", "886", '0'},
    {"TZ", "255", '0'}, {"UA", "380", '0'}, {"UG", "256", '0'}, {"UM", "1", '1'},
    {"US", "1", '1'},   {"UY", "598", '0'}, {"UZ", "998", '0'}, {"VA", "39", ' '},
    {"VC", "1", '1'},   {"VE", "58", '0'},  {"VG", "1", '1'},   {"VI", "1", '1'},
    {"VN", "84", '0'},  {"VU", "678", '0'}, {"WF", "681", '0'}, {"WS", "685", '0'},
    {"XK", "383", '0'}, {"YE", "967", '0'}, {"YT", "262", '0'}, {"ZA", "27", '0'},
    {"ZM", "260", '0'}, {"ZW", "263", '0'},
};

static int calling_cmp(const void *key, const void *elem)
{
    return memcmp(key, ((const struct calling *)elem)->cc, 2);
}

static const struct calling *calling_of(const char *country)
{
    if (!country || strlen(country) != 2)
        return NULL;
    char key[2] = {(char)(country[0] & ~0x20), (char)(country[1] & ~0x20)};
    return bsearch(key, calling_codes, sizeof calling_codes / sizeof *calling_codes,
                   sizeof *calling_codes, calling_cmp);
}

/* 1 when c[i..m) starts with the ASCII word w, ignoring case. */
static int cp_word(const int32_t *c, size_t i, size_t m, const char *w)
{
    for (size_t k = 0; w[k]; k++)
        if (i + k >= m || c[i + k] >= 0x80 || lower((char)c[i + k]) != w[k])
            return 0;
    return 1;
}

/* Checks what follows an extension marker at c[i..m): separators, then at
 * least one digit and only digits and spaces. */
static int extension_ok(const int32_t *c, size_t i, size_t m)
{
    while (i < m && (c[i] == '.' || c[i] == ':' || c[i] == ' ' || c[i] == '\t'))
        i++;
    if (i == m)
        return 0;
    for (; i < m; i++)
        if (!is_digit(c[i]) && c[i] != ' ')
            return 0;
    return 1;
}

/* Collects the digits of c[0..m) into d (at most dcap), after an optional
 * '+' (*plus), dropping separators, a "(0)" after the first digits and an
 * extension. Returns the digit count, or -1 with the reason in err. */
static int phone_digits(const int32_t *c, size_t m, char *d, size_t dcap, int *plus, rs_error *err)
{
    size_t i = 0, nd = 0;
    if (cp_word(c, 0, m, "tel:"))
        i = 4;
    *plus = i < m && c[i] == '+';
    i += (size_t)*plus;
    for (; i < m; i++) {
        int32_t ch = c[i];
        if (is_digit(ch)) {
            if (nd == dcap) {
                rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "too many digits for a phone number");
                return -1;
            }
            d[nd++] = (char)ch;
        } else if (ch == '(' && nd && i + 2 < m && c[i + 1] == '0' && c[i + 2] == ')') {
            i += 2;
        } else if (ch == ' ' || ch == '\t' || ch == '-' || ch == '.' || ch == '/' || ch == '(' ||
                   ch == ')') {
            continue;
        } else if (nd && (ch == '#' || ch == 'x' || ch == 'X' || cp_word(c, i, m, "ext"))) {
            size_t skip = ch == '#' || ch == 'x' || ch == 'X' ? 1 : 3;
            if (cp_word(c, i, m, "extension"))
                skip = 9;
            if (!extension_ok(c, i + skip, m)) {
                rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "unexpected text after a phone number");
                return -1;
            }
            break;
        } else {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "%s",
                         ch < 0x80 && is_alpha(ch) ? "letters in a phone number"
                                                   : "unexpected character in a phone number");
            return -1;
        }
    }
    return (int)nd;
}

static int norm_phone(const char *v, size_t n, const char *country, char *out, size_t outlen,
                      rs_error *err)
{
    char d[40];
    int32_t *cps = NULL;
    ptrdiff_t m = decode(v, n, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_LUMP, &cps);
    if (m < 0)
        return refuse(err, "invalid UTF-8", out, outlen);
    size_t lo = 0, hi = (size_t)m;
    while (lo < hi && (cps[lo] == ' ' || cps[lo] == '\t'))
        lo++;
    while (hi > lo && (cps[hi - 1] == ' ' || cps[hi - 1] == '\t'))
        hi--;
    if (lo == hi) { /* blank */
        free(cps);
        return 0;
    }
    int plus = 0;
    int nd = phone_digits(cps + lo, hi - lo, d, sizeof d, &plus, err);
    free(cps);
    if (nd < 0) {
        if (outlen)
            out[0] = '\0';
        return -1;
    }
    const struct calling *cc = calling_of(country);
    const char *p = d, *code = "";
    size_t len = (size_t)nd;
    int intl = plus;
    if (!intl && len >= 2 && p[0] == '0' && p[1] == '0')
        intl = 1, p += 2, len -= 2;
    else if (!intl && cc && cc->trunk == '1' && len >= 3 && !memcmp(p, "011", 3))
        intl = 1, p += 3, len -= 3;
    if (intl && len && p[0] == '0')
        return refuse(err, "calling code cannot start with 0", out, outlen);
    if (!intl && cc) {
        if ((cc->trunk == '0' && len && p[0] == '0') ||
            ((cc->trunk == '1' || cc->trunk == '8') && len == 11 && p[0] == cc->trunk))
            p++, len--;
        code = cc->code;
        intl = 1;
    }
    size_t total = strlen(code) + len;
    if (total < 7)
        return refuse(err, "too few digits for a phone number", out, outlen);
    if (total > 15)
        return refuse(err, "too many digits for a phone number", out, outlen);
    sink s = sink_init(out, outlen);
    if (intl)
        sink_putc(&s, '+');
    sink_put(&s, code, strlen(code));
    sink_put(&s, p, len);
    return sink_done(&s, err);
}

/* ---- entry point --------------------------------------------------------------- */

int normalize_value(attr_kind k, const char *v, size_t n, const char *country, char *out,
                    size_t outlen, rs_error *err)
{
    size_t bad = 0;
    int rc = utf8_check(v, n, &bad);
    if (rc == UTF8_INVALID)
        return refuse(err, "invalid UTF-8", out, outlen);
    if (rc == UTF8_NUL)
        return refuse(err, "NUL character in value", out, outlen);
    if (n > NORMALIZE_MAX_INPUT)
        return refuse(err, "too long", out, outlen);
    if (outlen)
        out[0] = '\0';
    switch (k) {
    case ATTR_EMAIL:
        return norm_email(v, n, out, outlen, err);
    case ATTR_PHONE:
        return norm_phone(v, n, country, out, outlen, err);
    case ATTR_NAME:
    case ATTR_PAYOUT_HOLDER:
        return norm_name(v, n, 1, out, outlen, err);
    case ATTR_ADDRESS:
    case ATTR_SHIPPING_ADDRESS:
        return norm_address(v, n, out, outlen, err);
    case ATTR_DOCUMENT:
        return norm_document(v, n, out, outlen, err);
    case ATTR_PHOTO_HASH:
        return norm_photo(v, n, out, outlen, err);
    case ATTR_URL:
        return norm_url(v, n, out, outlen, err);
    case ATTR_OTHER:
    case ATTR_KIND_COUNT:
    default:
        return norm_other(v, n, out, outlen, err);
    }
}

const char *normalize_library_version(void)
{
    return utf8proc_version();
}

/* Words that stand in a display name instead of a name: what the account does or
 * claims, or a platform's default. A display name made only of these and short
 * fillers names nobody; one with a real token besides ("John the developer") still
 * names John. Normalised tokens (lower case). */
static int placeholder_word(const char *t, size_t n)
{
    static const char *const words[] = {
        "user",      "freelancer", "freelance", "developer", "dev",      "designer", "writer",
        "engineer",  "expert",     "pro",       "professional", "admin", "test",     "guest",
        "anonymous", "unknown",    "new",       "member",    "account",  "client",   "customer",
        "web",       "full",       "stack",     "fullstack", "senior",   "junior",   "top",
        "rated",     "the",        "best",      "seo",       "app",      "mobile",   "software",
        "data",      "virtual",    "assistant", "translator", "editor",  "marketer", "consultant",
        "team",      "official",   "online",    "support",   "service",  "n",        "a"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == n && memcmp(words[i], t, n) == 0)
            return 1;
    return 0;
}

/* Whether s[0..n) contains needle, ASCII case ignored. */
static int contains_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && (s[i + k] | 0x20) == (needle[k] | 0x20))
            k++;
        if (k == m)
            return 1;
    }
    return 0;
}

int normalize_display_name(const char *v, size_t n, char *out, size_t outlen, rs_error *err)
{
    int len = normalize_value(ATTR_NAME, v, n, NULL, out, outlen, err);
    if (len <= 0)
        return len;
    int person = !memchr(v, '@', n) && !contains_ci(v, n, "://") && !contains_ci(v, n, "www.") &&
                 !attrs_business_name(out, (size_t)len);
    size_t ntok = 0, i = 0, real = 0;
    while (person && i < (size_t)len) {
        size_t j = i;
        while (j < (size_t)len && out[j] != ' ')
            j++;
        for (size_t k = i; k < j; k++)
            if (out[k] >= '0' && out[k] <= '9')
                person = 0; /* a handle: user123 */
        ntok++;
        real += !placeholder_word(out + i, j - i);
        i = j + 1;
    }
    if (!person || ntok < 2 || real == 0) {
        out[0] = '\0';
        return 0;
    }
    return len;
}
