/* identity.c - identity and text resources, their flags and their links; see
 * identity.h and docs/detection.md, "Identity and text". */
#include "algorithms/identity.h"

#include "algorithms/evrule.h"
#include "model/attrs.h"

#include "algorithms/hamming.h"
#include "algorithms/rules.h"
#include "algorithms/textsim.h"
#include "base/alloc.h"
#include "base/cmp.h"
#include "base/proc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- names ------------------------------------------------------------------ */

/* Whether token t[0..n) occurs in the space-separated s[0..sn). */
static int has_token(const char *s, size_t sn, const char *t, size_t n)
{
    size_t i = 0;
    while (i < sn) {
        size_t j = i;
        while (j < sn && s[j] != ' ')
            j++;
        if (j - i == n && memcmp(s + i, t, n) == 0)
            return 1;
        i = j + 1;
    }
    return 0;
}

/* Two normalised names are related when they share a token of two or more
 * characters (initials relate nobody). */
static int names_related(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0;
    while (i < an) {
        size_t j = i;
        while (j < an && a[j] != ' ')
            j++;
        if (j - i >= 2 && has_token(b, bn, a + i, j - i))
            return 1;
        i = j + 1;
    }
    return 0;
}

/* Public mail services: a domain shared through them says nothing of an employer. */
static int is_public_mail(const char *d, size_t n)
{
    static const char *const doms[] = {
        "gmail.com",   "yahoo.com",     "outlook.com",   "hotmail.com",  "live.com", "msn.com",
        "icloud.com",  "me.com",        "aol.com",       "proton.me",    "gmx.com",  "gmx.de",
        "mail.ru",     "yandex.ru",     "yandex.com",    "qq.com",       "163.com",  "126.com",
        "zoho.com",    "mail.com",      "tutanota.com",  "fastmail.com", "web.de",   "naver.com",
        "yahoo.co.uk", "hotmail.co.uk", "protonmail.com"};
    for (size_t i = 0; i < sizeof doms / sizeof *doms; i++)
        if (strlen(doms[i]) == n && memcmp(doms[i], d, n) == 0)
            return 1;
    return 0;
}

/* --- per-account attribute lists -------------------------------------------- */

typedef struct {
    uint32_t account, value;
    uint8_t kind;
} av_row;

static int av_cmp(const void *pa, const void *pb)
{
    const av_row *a = pa, *b = pb;
    if (a->account != b->account)
        return a->account < b->account ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return a->value < b->value ? -1 : a->value > b->value;
}

/* The distinct (account, kind, value) of g, sorted, with per-account offsets. */
typedef struct {
    av_row *v;
    size_t n;
    size_t *off; /* accounts + 1 */
} acct_attrs;

/* The names an account gives are its name attributes and its display name when that
 * names a person (account_attr.given_name: the loader leaves placeholders and
 * business names out, ingest/normalize.h): a persona's public name is a name it
 * gives as much as the one on its profile. */
static void acct_attrs_build(acct_attrs *aa, const rs_graph *g)
{
    uint32_t na = graph_count(g, NODE_ACCOUNT);
    size_t n = g->attrs.n;
    aa->v = xreallocarray(NULL, n + na + 1, sizeof *aa->v);
    for (size_t i = 0; i < g->attrs.n; i++) {
        const attr_ev *e = &g->attrs.v[i];
        aa->v[i] = (av_row){e->account, e->value, e->kind};
    }
    for (uint32_t a = 0; a < na; a++)
        if (g->acct[a].given_name != GRAPH_NONE)
            aa->v[n++] = (av_row){a, g->acct[a].given_name, ATTR_NAME};
    if (n)
        qsort(aa->v, n, sizeof *aa->v, av_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || av_cmp(&aa->v[i], &aa->v[k - 1]) != 0)
            aa->v[k++] = aa->v[i];
    aa->n = k;
    aa->off = xcalloc((size_t)na + 1, sizeof *aa->off);
    for (size_t i = 0; i < k; i++)
        aa->off[aa->v[i].account + 1]++;
    for (uint32_t a = 0; a < na; a++)
        aa->off[a + 1] += aa->off[a];
}

static void acct_attrs_free(acct_attrs *aa)
{
    free(aa->v);
    free(aa->off);
}

static int has_name(const acct_attrs *aa, uint32_t a)
{
    for (size_t i = aa->off[a]; i < aa->off[a + 1]; i++)
        if (aa->v[i].kind == ATTR_NAME)
            return 1;
    return 0;
}

/* Whether any name of a relates to any name of b; -1 when either gives none. */
static int accounts_related(const rs_graph *g, const acct_attrs *aa, uint32_t a, uint32_t b)
{
    if (!has_name(aa, a) || !has_name(aa, b))
        return -1;
    for (size_t i = aa->off[a]; i < aa->off[a + 1]; i++) {
        if (aa->v[i].kind != ATTR_NAME)
            continue;
        size_t an;
        const char *sa = graph_attr_value(g, aa->v[i].value, &an);
        for (size_t j = aa->off[b]; j < aa->off[b + 1]; j++) {
            if (aa->v[j].kind != ATTR_NAME)
                continue;
            size_t bn;
            const char *sb = graph_attr_value(g, aa->v[j].value, &bn);
            if (names_related(sa, an, sb, bn))
                return 1;
        }
    }
    return 0;
}

/* Whether account a gives a name and none of its names relates to s[0..sn). */
static int named_otherwise(const rs_graph *g, const acct_attrs *aa, uint32_t a, const char *s,
                           size_t sn)
{
    int named = 0;
    for (size_t i = aa->off[a]; i < aa->off[a + 1]; i++) {
        if (aa->v[i].kind != ATTR_NAME)
            continue;
        named = 1;
        size_t nn;
        const char *nm = graph_attr_value(g, aa->v[i].value, &nn);
        if (names_related(s, sn, nm, nn))
            return 0;
    }
    return named;
}

/* --- building the resources ------------------------------------------------- */

typedef struct {
    uint32_t res, account;
} ra_pair;

static int ra_cmp(const void *pa, const void *pb)
{
    const ra_pair *a = pa, *b = pb;
    if (a->res != b->res)
        return a->res < b->res ? -1 : 1;
    return a->account < b->account ? -1 : a->account > b->account;
}

/* Per value id: the resource it counts as (a photo hash: its group's first). */
static uint32_t *photo_resources(const rs_graph *g, const detect_params *p, uint32_t nvalues)
{
    uint32_t *res = xreallocarray(NULL, nvalues ? nvalues : 1, sizeof *res);
    uint32_t *ids = xreallocarray(NULL, nvalues ? nvalues : 1, sizeof *ids);
    uint64_t *h = xreallocarray(NULL, nvalues ? nvalues : 1, sizeof *h);
    size_t n = 0;
    for (uint32_t v = 0; v < nvalues; v++) {
        res[v] = v;
        size_t len;
        const char *s = intern_str(g->ident, v, &len);
        if (len != 17 || (uint8_t)s[0] != ATTR_PHOTO_HASH)
            continue;
        uint64_t x = 0;
        for (size_t i = 1; i < 17; i++) {
            char c = s[i];
            x = x << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        ids[n] = v;
        h[n++] = x;
    }
    if (n > 1) {
        uint32_t *grp = xreallocarray(NULL, n, sizeof *grp);
        size_t ng = hamming_groups(h, n, (unsigned)p->photo_max_bits, grp);
        uint32_t *first = xreallocarray(NULL, ng ? ng : 1, sizeof *first);
        for (size_t i = 0; i < ng; i++)
            first[i] = UINT32_MAX;
        for (size_t i = 0; i < n; i++) /* groups are numbered by their first index */
            if (grp[i] != UINT32_MAX) {
                if (first[grp[i]] == UINT32_MAX)
                    first[grp[i]] = ids[i];
                res[ids[i]] = first[grp[i]];
            }
        free(first);
        free(grp);
    }
    free(ids);
    free(h);
    return res;
}

/* The key under which payout holder s[0..n) (normalised: sorted tokens) is one
 * person: its tokens without initials, so that "Jane Q. Doe" and "DOE, Jane" are
 * one holder. Written into buf (cap bytes); returns its length, or 0 when the
 * holder is no resource: a business (an agency pays its freelancers into the
 * company's account) or fewer than two tokens besides initials (too little to
 * tell one person from another). */
static size_t holder_key(const char *s, size_t n, char *buf, size_t cap)
{
    if (attrs_business_name(s, n))
        return 0;
    size_t k = 0, tokens = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        if (j - i >= 2 && k + (j - i) + 1 < cap) {
            if (k)
                buf[k++] = ' ';
            memcpy(buf + k, s + i, j - i);
            k += j - i;
            tokens++;
        }
        i = j + 1;
    }
    return tokens >= 2 ? k : 0;
}

typedef struct {
    uint32_t value;
    size_t n;
    char key[96];
} holder_row;

static int holder_cmp(const void *pa, const void *pb)
{
    const holder_row *a = pa, *b = pb;
    int c = memcmp(a->key, b->key, a->n < b->n ? a->n : b->n);
    if (c)
        return c;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    return a->value < b->value ? -1 : a->value > b->value;
}

/* Points every payout holder value of res at the first value of its key
 * (holder_key); holders that are no resource keep their own id. */
static void holder_resources(const rs_graph *g, uint32_t *res, uint32_t nvalues)
{
    holder_row *h = xreallocarray(NULL, nvalues ? nvalues : 1, sizeof *h);
    size_t n = 0;
    for (uint32_t v = 0; v < nvalues; v++) {
        size_t len;
        const char *s = intern_str(g->ident, v, &len);
        if (!len || (uint8_t)s[0] != ATTR_PAYOUT_HOLDER)
            continue;
        h[n].value = v;
        h[n].n = holder_key(s + 1, len - 1, h[n].key, sizeof h[n].key);
        n += h[n].n > 0;
    }
    if (n)
        qsort(h, n, sizeof *h, holder_cmp);
    for (size_t i = 0; i < n; i++)
        res[h[i].value] = i && h[i].n == h[i - 1].n && memcmp(h[i].key, h[i - 1].key, h[i].n) == 0
                              ? res[h[i - 1].value]
                              : h[i].value;
    free(h);
}

/* Whether account a's payout holder value v makes a user of the holder's
 * resource: the holder names a person (holder_key) and a is not named like them.
 * An account paid under its own name uses nobody else's account; leaving it out
 * keeps a namesake of a facilitator out of the facilitator's ring. */
static int holder_user(const rs_graph *g, const acct_attrs *aa, uint32_t a, uint32_t v)
{
    char key[96];
    size_t hn;
    const char *h = graph_attr_value(g, v, &hn);
    return holder_key(h, hn, key, sizeof key) > 0 && named_otherwise(g, aa, a, h, hn);
}

typedef struct {
    uint32_t account, text;
} doc_key;

static int doc_cmp(const void *pa, const void *pb)
{
    const doc_key *a = pa, *b = pb;
    if (a->account != b->account)
        return a->account < b->account ? -1 : 1;
    return a->text < b->text ? -1 : a->text > b->text;
}

/* Clusters the distinct (account, text) pairs; returns the number of clusters. */
static uint32_t text_clusters(ident_index *ix, const rs_graph *g, const detect_params *p,
                              int threads)
{
    size_t n = g->textevs.n;
    if (!n)
        return 0;
    doc_key *d = xreallocarray(NULL, n, sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = (doc_key){g->textevs.v[i].account, g->textevs.v[i].text};
    qsort(d, n, sizeof *d, doc_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || doc_cmp(&d[i], &d[k - 1]) != 0)
            d[k++] = d[i];
    textsim_params tp;
    textsim_params_init(&tp);
    tp.threshold = p->text_jaccard;
    tp.threads = threads > 0 ? threads : 1;
    textsim *ts = textsim_new(&tp);
    ix->ndocs = k;
    ix->doc_account = xreallocarray(NULL, k, sizeof *ix->doc_account);
    ix->doc_text = xreallocarray(NULL, k, sizeof *ix->doc_text);
    for (size_t i = 0; i < k; i++) {
        size_t len;
        const char *s = intern_str(g->texts, d[i].text, &len);
        ix->doc_account[i] = d[i].account;
        ix->doc_text[i] = d[i].text;
        textsim_add(ts, d[i].account, s, len);
    }
    free(d);
    textsim_stats st;
    memset(&st, 0, sizeof st);
    size_t ncl = textsim_cluster(ts, &ix->doc_cluster, &st);
    ix->text_candidates = st.candidate_pairs;
    ix->text_pairs_verified = st.verified_pairs;
    textsim_free(ts);
    return (uint32_t)ncl;
}

void identity_build(ident_index *ix, const rs_graph *g, const detect_params *p, int threads)
{
    memset(ix, 0, sizeof *ix);
    double t0 = proc_now();
    ix->nvalues = g->ident ? intern_count(g->ident) : 0;
    uint32_t ncl = text_clusters(ix, g, p, threads);
    ix->seconds_text = proc_now() - t0;
    ix->nres = ix->nvalues + ncl;
    uint32_t *photo = ix->value_res = photo_resources(g, p, ix->nvalues);
    holder_resources(g, photo, ix->nvalues);
    size_t cap = g->attrs.n + ix->ndocs, np = 0;
    ra_pair *pr = xreallocarray(NULL, cap ? cap : 1, sizeof *pr);
    acct_attrs aa;
    acct_attrs_build(&aa, g);
    for (size_t i = 0; i < g->attrs.n; i++) {
        const attr_ev *e = &g->attrs.v[i];
        if (e->kind == ATTR_NAME ||
            (e->kind == ATTR_PAYOUT_HOLDER && !holder_user(g, &aa, e->account, e->value)))
            continue;
        pr[np++] = (ra_pair){photo[e->value], e->account};
    }
    acct_attrs_free(&aa);
    for (size_t i = 0; i < ix->ndocs; i++)
        if (ix->doc_cluster[i] != UINT32_MAX)
            pr[np++] = (ra_pair){ix->nvalues + ix->doc_cluster[i], ix->doc_account[i]};
    if (np)
        qsort(pr, np, sizeof *pr, ra_cmp);
    size_t k = 0;
    for (size_t i = 0; i < np; i++)
        if (!k || ra_cmp(&pr[i], &pr[k - 1]) != 0)
            pr[k++] = pr[i];
    /* Only shared resources list their users (as res_index does). */
    ix->off = xcalloc((size_t)ix->nres + 1, sizeof *ix->off);
    ix->acct = xreallocarray(NULL, k ? k : 1, sizeof *ix->acct);
    size_t m = 0;
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && pr[j].res == pr[i].res)
            j++;
        if (j - i >= 2) {
            ix->off[pr[i].res + 1] = (uint32_t)(j - i);
            for (size_t q = i; q < j; q++)
                ix->acct[m++] = pr[q].account;
        }
        i = j;
    }
    for (uint32_t r = 0; r < ix->nres; r++)
        ix->off[r + 1] += ix->off[r];
    free(pr);
    ix->kind = xreallocarray(NULL, ix->nres ? ix->nres : 1, 1);
    ix->bits = xcalloc(ix->nres ? ix->nres : 1, 1);
    for (uint32_t r = 0; r < ix->nres; r++) {
        size_t len;
        ix->kind[r] = r < ix->nvalues ? (uint8_t)intern_str(g->ident, r, &len)[0] : IDENT_TEXT;
    }
}

void identity_free(ident_index *ix)
{
    free(ix->off);
    free(ix->acct);
    free(ix->kind);
    free(ix->bits);
    free(ix->doc_account);
    free(ix->doc_text);
    free(ix->doc_cluster);
    free(ix->value_res);
    memset(ix, 0, sizeof *ix);
}

/* --- flags ------------------------------------------------------------------ */

static double kind_cap(const detect_params *p, int kind)
{
    switch (kind) {
    case ATTR_ADDRESS:
    case ATTR_OTHER:
        return p->cap_address;
    case ATTR_SHIPPING_ADDRESS:
        return p->cap_shipping;
    case IDENT_TEXT:
        return p->cap_text;
    default:
        return p->cap_identity;
    }
}

static int contact_kind(int kind)
{
    return kind == ATTR_EMAIL || kind == ATTR_PHONE || kind == ATTR_DOCUMENT ||
           kind == ATTR_PHOTO_HASH || kind == ATTR_URL;
}

/* A contact detail shared by u[0..n): deceptive when two of its users give
 * unrelated names; raises SHARED_IDENTITY on each user with such a partner. */
static uint8_t shared_contact(const rs_graph *g, const acct_attrs *aa, const uint32_t *u, size_t n,
                              acct_flags *fl)
{
    uint8_t bits = IDENT_TIES;
    for (size_t x = 0; x < n; x++) {
        int strangers = 0;
        for (size_t y = 0; y < n && !strangers; y++)
            strangers = y != x && accounts_related(g, aa, u[x], u[y]) == 0;
        if (strangers) {
            flags_raise(&fl[u[x]], FLAG_SHARED_IDENTITY, 1);
            bits |= IDENT_DECEPTIVE;
        }
    }
    return bits;
}

/* Marks IDENT_OPERATOR on every contact detail that joins unrelated names when at
 * least RULES_OPERATOR_MIN_PAID_ELSEWHERE of its users are paid into accounts held in
 * other people's names (NAME_MISMATCH): strangers sharing one phone, photo or
 * document, each paid through a third person, are one operator's personas.
 * Flatmates sharing a landline are paid under their own names; of a couple who keep
 * their own family names one at most is paid into the other's account. Runs after
 * name_mismatch. */
static void mark_operators(ident_index *ix, const acct_flags *fl)
{
    for (uint32_t r = 0; r < ix->nres; r++) {
        if (!contact_kind(ix->kind[r]) || !(ix->bits[r] & IDENT_DECEPTIVE))
            continue;
        uint32_t paid_elsewhere = 0;
        for (uint32_t x = ix->off[r]; x < ix->off[r + 1]; x++)
            paid_elsewhere += flags_has(&fl[ix->acct[x]], FLAG_NAME_MISMATCH) != 0;
        if (paid_elsewhere >= RULES_OPERATOR_MIN_PAID_ELSEWHERE)
            ix->bits[r] |= IDENT_OPERATOR;
    }
}

/* The email domain most of u[0..n) share, when it is not a public service: a
 * company's. */
static int company_domain(const rs_graph *g, const acct_attrs *aa, const uint32_t *u, size_t n)
{
    for (size_t x = 0; x < n; x++)
        for (size_t i = aa->off[u[x]]; i < aa->off[u[x] + 1]; i++) {
            if (aa->v[i].kind != ATTR_EMAIL)
                continue;
            size_t len;
            const char *e = graph_attr_value(g, aa->v[i].value, &len);
            const char *at = memchr(e, '@', len);
            if (!at || is_public_mail(at + 1, len - (size_t)(at + 1 - e)))
                continue;
            size_t dn = len - (size_t)(at + 1 - e), same = 0;
            for (size_t y = 0; y < n; y++)
                for (size_t j = aa->off[u[y]]; j < aa->off[u[y] + 1]; j++) {
                    size_t l2;
                    const char *e2 = graph_attr_value(g, aa->v[j].value, &l2);
                    if (aa->v[j].kind == ATTR_EMAIL && l2 > dn && e2[l2 - dn - 1] == '@' &&
                        memcmp(e2 + l2 - dn, at + 1, dn) == 0) {
                        same++;
                        break;
                    }
                }
            if (2 * same >= n)
                return 1;
        }
    return 0;
}

/* Whether two normalised addresses name one place: one's tokens begin the
 * other's, three tokens at least (a country or postcode written on one only). */
static int same_place(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn, tokens = 1;
    if (memcmp(a, b, n) != 0 || (an != bn && (an > bn ? a : b)[n] != ' '))
        return 0;
    for (size_t i = 0; i < n; i++)
        tokens += a[i] == ' ';
    return tokens >= 3;
}

/* Whether account a lives at the shipping address s[0..sn) (its home address). */
static int resident(const rs_graph *g, const acct_attrs *aa, uint32_t a, const char *s, size_t sn)
{
    for (size_t i = aa->off[a]; i < aa->off[a + 1]; i++) {
        if (aa->v[i].kind != ATTR_ADDRESS)
            continue;
        size_t hn;
        const char *h = graph_attr_value(g, aa->v[i].value, &hn);
        if (same_place(h, hn, s, sn))
            return 1;
    }
    return 0;
}

/* Whether account a gives a doubtful identity on grounds other than where its
 * equipment goes: it is paid into another person's account (NAME_MISMATCH,
 * SHARED_HOLDER) or shares a contact detail with accounts under other names
 * (SHARED_IDENTITY). */
static int doubtful_identity(const acct_flags *a)
{
    return flags_has(a, FLAG_NAME_MISMATCH) || flags_has(a, FLAG_SHARED_HOLDER) ||
           flags_has(a, FLAG_SHARED_IDENTITY);
}

/* Shipping address r of u[0..n): a forwarding point when the accounts that do not
 * live there give at least forwarding_min_names mutually unrelated names, it is not
 * a company's, and at least RULES_FORWARDING_MIN_DOUBTFUL of those accounts give a
 * doubtful identity of their own. Flatmates and families receive at home; a laptop
 * farm's host receives for people who say they live elsewhere and are paid through
 * it; a company's depot receives for remote staff who are who they say they are.
 * Reads the identity flags already raised in fl (run after name_mismatch). */
static uint8_t shipping(const rs_graph *g, const detect_params *p, const acct_attrs *aa, uint32_t r,
                        const uint32_t *u, size_t n, acct_flags *fl)
{
    size_t sn;
    const char *s = graph_attr_value(g, r, &sn);
    uint32_t reps[64], doubtful = 0;
    size_t nr = 0;
    for (size_t x = 0; x < n; x++) {
        if (resident(g, aa, u[x], s, sn))
            continue;
        doubtful += doubtful_identity(&fl[u[x]]) != 0;
        int known = 0;
        if (!has_name(aa, u[x]) || nr == 64)
            continue;
        for (size_t k = 0; k < nr && !known; k++)
            known = accounts_related(g, aa, u[x], reps[k]) == 1;
        if (!known)
            reps[nr++] = u[x];
    }
    if ((double)nr < p->forwarding_min_names || doubtful < RULES_FORWARDING_MIN_DOUBTFUL ||
        company_domain(g, aa, u, n))
        return IDENT_WEAK;
    for (size_t x = 0; x < n; x++)
        if (!resident(g, aa, u[x], s, sn))
            flags_raise(&fl[u[x]], FLAG_EQUIPMENT_FORWARDING, 1);
    return IDENT_TIES | IDENT_DECEPTIVE;
}

/* A payout holder (a person, holder_key) paid for u[0..n), accounts not named
 * like it (holder_user): a facilitator's or a mule's account when two of them
 * give names unrelated to each other. A parent paid for a family shares its
 * family name, so only strangers paid into a third person's account raise
 * SHARED_HOLDER, and only then does the holder tie its users. Returns the bits. */
static uint8_t shared_holder(const rs_graph *g, const acct_attrs *aa, const uint32_t *u, size_t n,
                             acct_flags *fl)
{
    uint8_t bits = 0;
    for (size_t x = 0; x < n; x++) {
        int strangers = 0;
        for (size_t y = 0; y < n && !strangers; y++)
            strangers = y != x && accounts_related(g, aa, u[x], u[y]) == 0;
        if (strangers) {
            flags_raise(&fl[u[x]], FLAG_SHARED_HOLDER, 1);
            bits = IDENT_TIES | IDENT_DECEPTIVE;
        }
    }
    return bits;
}

/* NAME_MISMATCH: payout holders unrelated to every name the account gives. */
static void name_mismatch(const rs_graph *g, const acct_attrs *aa, uint32_t na, acct_flags *fl)
{
    for (uint32_t a = 0; a < na; a++) {
        uint32_t bad = 0;
        for (size_t i = aa->off[a]; i < aa->off[a + 1]; i++) {
            if (aa->v[i].kind != ATTR_PAYOUT_HOLDER)
                continue;
            size_t hn;
            const char *h = graph_attr_value(g, aa->v[i].value, &hn);
            int named = 0, related = attrs_business_name(h, hn);
            for (size_t j = aa->off[a]; j < aa->off[a + 1] && !related; j++) {
                if (aa->v[j].kind != ATTR_NAME)
                    continue;
                named = 1;
                size_t nn;
                const char *nm = graph_attr_value(g, aa->v[j].value, &nn);
                related = names_related(h, hn, nm, nn);
            }
            bad += named && !related;
        }
        if (bad)
            flags_raise(&fl[a], FLAG_NAME_MISMATCH, bad);
    }
}

void identity_flags(ident_index *ix, const rs_graph *g, const detect_params *p, acct_flags *fl)
{
    acct_attrs aa;
    acct_attrs_build(&aa, g);
    for (uint32_t r = 0; r < ix->nres; r++) {
        uint32_t deg = identity_degree(ix, r);
        if (deg < 2)
            continue;
        int kind = ix->kind[r];
        const uint32_t *u = ix->acct + ix->off[r];
        if (deg > (uint32_t)kind_cap(p, kind)) {
            ix->bits[r] = IDENT_CAPPED;
            continue;
        }
        if (contact_kind(kind)) {
            ix->bits[r] = shared_contact(g, &aa, u, deg, fl);
        } else if (kind == ATTR_PAYOUT_HOLDER) {
            ix->bits[r] = shared_holder(g, &aa, u, deg, fl);
        } else if (kind == ATTR_SHIPPING_ADDRESS) {
            continue; /* below, once the names have been compared */
        } else {
            ix->bits[r] = IDENT_WEAK;
            if (kind == IDENT_TEXT)
                for (uint32_t x = 0; x < deg; x++)
                    flags_raise(&fl[u[x]], FLAG_TEXT_REUSE, 1);
        }
    }
    name_mismatch(g, &aa, graph_count(g, NODE_ACCOUNT), fl);
    /* Forwarding points last: whether one deceives depends on the identity flags of
     * the accounts receiving there. */
    for (uint32_t r = 0; r < ix->nres; r++) {
        uint32_t deg = identity_degree(ix, r);
        if (ix->kind[r] == ATTR_SHIPPING_ADDRESS && deg >= 2 && !(ix->bits[r] & IDENT_CAPPED))
            ix->bits[r] = shipping(g, p, &aa, r, ix->acct + ix->off[r], deg, fl);
    }
    mark_operators(ix, fl);
    acct_attrs_free(&aa);
}

/* The base weight of an identity resource of kind `kind` with bits `bits`. One
 * operator's contact detail (IDENT_OPERATOR) binds its accounts as firmly as a
 * shared device and weighs w_device; every other contact detail weighs w_identity. */
static double kind_weight(const detect_params *p, int kind, uint8_t bits)
{
    if (bits & IDENT_OPERATOR)
        return p->w_device;
    switch (kind) {
    case ATTR_ADDRESS:
    case ATTR_OTHER:
        return p->w_address;
    case ATTR_SHIPPING_ADDRESS:
        return p->w_shipping;
    case IDENT_TEXT:
        return p->w_text;
    default:
        return p->w_identity;
    }
}

void identity_project(projection *pm, const ident_index *ix, const detect_params *p,
                      uint64_t *capped)
{
    for (uint32_t r = 0; r < ix->nres; r++) {
        uint32_t deg = identity_degree(ix, r);
        if (deg < 2)
            continue;
        if (ix->bits[r] & IDENT_CAPPED) {
            (*capped)++;
            continue;
        }
        if (!ix->bits[r]) /* a payout holder that ties nobody */
            continue;
        double w = kind_weight(p, ix->kind[r], ix->bits[r]) / pow(deg - 1.0, p->degree_exponent);
        int tie = (ix->bits[r] & IDENT_TIES) != 0;
        const uint32_t *u = ix->acct + ix->off[r];
        for (uint32_t x = 0; x < deg; x++)
            for (uint32_t y = x + 1; y < deg; y++)
                projection_add(pm, u[x], u[y], w, 0, tie ? 0 : w, tie);
    }
}

void identity_evidence(const ident_index *ix, findings *out)
{
    if (ix->nvalues) {
        out->nvalues = ix->nvalues;
        out->value_bits = xcalloc(ix->nvalues, 1);
        for (uint32_t v = 0; v < ix->nvalues; v++) {
            uint32_t r = ix->value_res[v];
            if (!(ix->bits[r] & IDENT_DECEPTIVE))
                continue;
            out->value_bits[v] = ix->kind[r] == ATTR_SHIPPING_ADDRESS ? FINDING_VALUE_FORWARDING
                                 : ix->kind[r] == ATTR_PAYOUT_HOLDER  ? FINDING_VALUE_HOLDER
                                                                      : FINDING_VALUE_JOINS;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < ix->ndocs; i++)
        n += ix->doc_cluster[i] != UINT32_MAX &&
             !(ix->bits[ix->nvalues + ix->doc_cluster[i]] & IDENT_CAPPED);
    if (!n)
        return;
    out->reused_texts = xreallocarray(NULL, n, sizeof *out->reused_texts);
    for (size_t i = 0; i < ix->ndocs; i++) /* docs are in (account, text) order */
        if (ix->doc_cluster[i] != UINT32_MAX &&
            !(ix->bits[ix->nvalues + ix->doc_cluster[i]] & IDENT_CAPPED))
            out->reused_texts[out->nreused++] =
                (uint64_t)ix->doc_account[i] << 32 | ix->doc_text[i];
}

/* Moves the resources into out->ident (ix keeps what evidence needs) and lists
 * each ring's: one pass over the shared resources' users. */
void identity_publish(ident_index *ix, findings *out)
{
    findings_identity *fi = &out->ident;
    if (!ix->nres)
        return;
    fi->nres = ix->nres;
    fi->nvalues = ix->nvalues;
    fi->off = ix->off;
    fi->acct = ix->acct;
    fi->kind = ix->kind;
    fi->linked = xcalloc(ix->nres, 1);
    ix->off = ix->acct = NULL;
    ix->kind = NULL;
    size_t *cap = xcalloc(out->nrings ? out->nrings : 1, sizeof *cap);
    for (uint32_t r = 0; r < fi->nres; r++) {
        fi->linked[r] =
            fi->off[r + 1] - fi->off[r] >= 2 && ix->bits[r] && !(ix->bits[r] & IDENT_CAPPED);
        if (!fi->linked[r])
            continue;
        for (uint32_t j = fi->off[r]; j < fi->off[r + 1]; j++) {
            int32_t ri = out->ring_of[fi->acct[j]];
            if (ri < 0)
                continue;
            ring *rg = &out->rings[ri];
            if ((rg->nident && rg->ident[rg->nident - 1] == r) ||
                findings_ident_members(fi, out->ring_of, r, (size_t)ri) < 2)
                continue; /* listed already, or one of its accounts alone uses r */
            ALLOC_GROW(rg->ident, cap[ri], rg->nident + 1);
            rg->ident[rg->nident++] = r;
        }
    }
    free(cap);
}

/* The evidence rules of these flags (evrule.h): the attributes row holding the
 * shared contact detail or the forwarding address the flag was raised on; for
 * NAME_MISMATCH the account's names and payout holders, which together show
 * the mismatch; for SHARED_HOLDER the payout_holder rows of the holder the
 * flag was raised on; for TEXT_REUSE the bid whose text is in a reported
 * near-duplicate cluster. */

/* The reporting bits (FINDING_VALUE_*) of the row's attribute value. */
static uint8_t row_value_bits(const evsel_view *v, const source_row *r)
{
    uint32_t x = r->attr_value;
    return x != GRAPH_NONE && x < v->f->nvalues ? v->f->value_bits[x] : 0;
}

int identity_shows_shared_identity(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    return (row_value_bits(v, r) & FINDING_VALUE_JOINS) != 0;
}

int identity_shows_equipment_forwarding(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    return (row_value_bits(v, r) & FINDING_VALUE_FORWARDING) != 0;
}

int identity_shows_shared_holder(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)a;
    return r->attr_kind == ATTR_PAYOUT_HOLDER && (row_value_bits(v, r) & FINDING_VALUE_HOLDER) != 0;
}

int identity_shows_name_mismatch(const evsel_view *v, uint32_t a, const source_row *r)
{
    (void)v;
    (void)a;
    return r->attr_value != GRAPH_NONE &&
           (r->attr_kind == ATTR_NAME || r->attr_kind == ATTR_PAYOUT_HOLDER);
}

int identity_shows_text_reuse(const evsel_view *v, uint32_t a, const source_row *r)
{
    uint64_t key = (uint64_t)a << 32 | r->text;
    return r->text != GRAPH_NONE && v->f->nreused &&
           bsearch(&key, v->f->reused_texts, v->f->nreused, sizeof key, cmp_u64) != NULL;
}
