/* gen_ident.c - identities and texts of the simulated accounts; see gen_ident.h.
 *
 * Representation: a person is three keys (who, family, home) plus a country; every
 * attribute is a pure function of those keys, and only its formatting is drawn per
 * account, so one person's accounts agree after normalisation and differ before it.
 * Texts are streams of tokens (stock phrases, function words, technical words and a
 * deterministic pseudo-vocabulary of 3000 words with a Zipf-like rank distribution) drawn
 * from a template stream; a second stream replaces a share of the tokens, which is how
 * bids of one freelancer, profiles of one cohort and texts of one ring's members become
 * near-duplicates of their template. Cost: O(words) per text, O(1) per attribute.
 */
#include "datasets/gen/gen_ident.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "datasets/gen/gen_geo.h"
#include "datasets/gen/gen_out.h"
#include "datasets/gen/gen_rng.h"
#include "datasets/gen/gen_scheme.h"

#define DAY 86400
#define IDENT_KEY 0x6964656e74ull
#define IDENT_VOCAB 3000u

/* ------------------------------------------------------------------ text */

static const char *const ident_function_words[] = {
    "the",   "and",  "with",  "for",   "your",    "my",   "I",    "we",     "to",   "of",
    "in",    "on",   "a",     "an",    "this",    "that", "will", "can",    "have", "has",
    "is",    "are",  "be",    "as",    "at",      "by",   "from", "or",     "it",   "all",
    "more",  "also", "very",  "years", "project", "work", "team", "client", "time", "quality",
    "clean", "fast", "clear", "daily", "weekly",  "new",  "best", "full",   "any",  "our"};
static const char *const ident_tech_words[] = {
    "React",      "Python",      "Django",      "API",        "REST",       "design",
    "frontend",   "backend",     "database",    "SQL",        "PostgreSQL", "Node.js",
    "TypeScript", "JavaScript",  "WordPress",   "Shopify",    "Figma",      "UI",
    "UX",         "mobile",      "Android",     "iOS",        "Flutter",    "Laravel",
    "PHP",        "AWS",         "Docker",      "Kubernetes", "testing",    "deployment",
    "SEO",        "content",     "marketing",   "analytics",  "dashboard",  "e-commerce",
    "scraping",   "automation",  "integration", "Excel",      "data",       "machine",
    "learning",   "copywriting", "translation", "video",      "editing",    "logo",
    "branding",   "landing",     "page",        "app",        "website",    "migration",
    "bug",        "fixes",       "performance", "security",   "support",    "maintenance"};
static const char *const ident_stock[] = {"I am a senior full-stack developer with",
                                          "looking forward to working with you",
                                          "I have carefully read your job description",
                                          "I can start immediately",
                                          "please check my portfolio",
                                          "I have more than five years of experience in",
                                          "feel free to contact me",
                                          "thank you for your time",
                                          "I am confident that I can deliver",
                                          "on time and within budget",
                                          "I would love to help you with",
                                          "let's discuss the details",
                                          "my previous clients were very satisfied",
                                          "I am available for a quick call",
                                          "best regards",
                                          "Hello, I hope you are doing well",
                                          "I have done similar projects before",
                                          "attention to detail",
                                          "100% job satisfaction",
                                          "I specialise in",
                                          "clean and well documented code",
                                          "I read your \"urgent\" note and",
                                          "communication is very important to me",
                                          "I am a quick learner",
                                          "let me know if you have any questions",
                                          "I offer unlimited revisions",
                                          "I can share samples of my work",
                                          "my rate is negotiable",
                                          "I work in your time zone",
                                          "native English speaker",
                                          "I have a strong background in",
                                          "I am passionate about",
                                          "as you can see in my profile",
                                          "I will make sure that",
                                          "high quality results",
                                          "long-term cooperation",
                                          "according to your requirements",
                                          "I am the right person for this job",
                                          "I have all the skills you need",
                                          "waiting for your reply"};
static const char *const ident_syllables[] = {
    "ka",  "lo",  "mi",  "ren", "tor", "vel", "dex", "pra", "sun", "lin", "mor", "tas", "qua",
    "bel", "cri", "don", "fen", "gal", "hul", "jet", "nor", "pi",  "ros", "sel", "tu",  "var"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

typedef struct ident_sb {
    char *buf;
    size_t cap, len;
    int upper_next; /* capitalise the next word (start of a sentence) */
} ident_sb;

static void sb_init(ident_sb *b, char *buf, size_t cap)
{
    b->buf = buf;
    b->cap = cap;
    b->len = 0;
    b->upper_next = 1;
    if (cap)
        buf[0] = 0;
}

static void sb_add(ident_sb *b, const char *fmt, ...)
{
    if (b->len + 1 >= b->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len = (size_t)n < b->cap - b->len ? b->len + (size_t)n : b->cap - 1;
}

/* Appends a word of the text, separated by a space, capitalised at a sentence start. */
static void sb_word(ident_sb *b, const char *w)
{
    if (b->len + 64 >= b->cap)
        return;
    if (b->len)
        b->buf[b->len++] = ' ';
    size_t start = b->len, n = strlen(w);
    if (n > b->cap - b->len - 1)
        n = b->cap - b->len - 1;
    memcpy(b->buf + b->len, w, n); /* the hot path: no format parsing */
    b->len += n;
    b->buf[b->len] = 0;
    if (b->upper_next && b->buf[start] >= 'a' && b->buf[start] <= 'z')
        b->buf[start] = (char)(b->buf[start] - 'a' + 'A');
    b->upper_next = 0;
}

static void ident_pseudo_word(uint32_t k, char *out, size_t cap)
{
    uint64_t h = gen_rng_mix(0x766f636162ull, k);
    unsigned nsyl = 2 + (unsigned)(h % 2);
    size_t len = 0;
    out[0] = 0;
    for (unsigned s = 0; s < nsyl; s++) {
        const char *y = ident_syllables[(h >> (8 * s + 4)) % NELEM(ident_syllables)];
        size_t n = strlen(y);
        if (len + n + 1 > cap)
            break;
        memcpy(out + len, y, n + 1);
        len += n;
    }
}

/* A token: kind 0 stock phrase, 1 function word, 2 technical word, 3 pseudo-word. */
typedef struct ident_tok {
    int kind;
    uint32_t idx;
} ident_tok;

static ident_tok ident_draw(gen_rng *r)
{
    ident_tok t;
    double u = gen_rng_unit(r);
    if (u < 0.06) {
        t.kind = 0;
        t.idx = gen_rng_below(r, NELEM(ident_stock));
    } else if (u < 0.45) {
        t.kind = 1;
        t.idx = gen_rng_below(r, NELEM(ident_function_words));
    } else if (u < 0.62) {
        t.kind = 2;
        t.idx = gen_rng_below(r, NELEM(ident_tech_words));
    } else {
        /* Log-uniform rank: a few frequent pseudo-words, many rare ones (Zipf-like). */
        double k = exp(gen_rng_unit(r) * log((double)IDENT_VOCAB)) - 1.0;
        t.idx = k < 0 ? 0 : (uint32_t)k % IDENT_VOCAB;
        t.kind = 3;
    }
    return t;
}

static uint32_t ident_emit(ident_sb *b, ident_tok t)
{
    char w[32];
    switch (t.kind) {
    case 0: {
        uint32_t n = 1;
        const char *p = ident_stock[t.idx];
        for (const char *q = p; *q; q++)
            n += *q == ' ';
        sb_word(b, p);
        return n;
    }
    case 1:
        sb_word(b, ident_function_words[t.idx]);
        return 1;
    case 2:
        sb_word(b, ident_tech_words[t.idx]);
        return 1;
    default:
        ident_pseudo_word(t.idx, w, sizeof w);
        sb_word(b, w);
        return 1;
    }
}

/* Appends a text of [lo, hi] words drawn from template tpl, a share p_edit of its tokens
 * replaced from the stream `edit`. The template stream decides length and punctuation,
 * so every edit of one template keeps its shape. */
static void ident_text(ident_sb *b, uint64_t tpl, uint64_t edit, double p_edit, uint32_t lo,
                       uint32_t hi)
{
    gen_rng rt, re;
    gen_rng_seed(&rt, tpl, 0x74706cull, 0);
    gen_rng_seed(&re, edit, 0x656469ull, 0);
    uint32_t n = gen_rng_range(&rt, lo, hi), words = 0;
    b->upper_next = 1;
    while (words < n && b->len + 96 < b->cap) {
        ident_tok t = ident_draw(&rt);
        double punct = gen_rng_unit(&rt);
        if (p_edit > 0 && gen_rng_chance(&re, p_edit))
            t = ident_draw(&re);
        words += ident_emit(b, t);
        if (words >= n || punct < 0.15) {
            b->buf[b->len++] = words < n && punct < 0.07 ? ',' : '.';
            b->buf[b->len] = 0;
            b->upper_next = b->buf[b->len - 1] == '.';
        }
    }
}

static const gen_dring *ident_dring(const gen_world *w, const gen_acct *a)
{
    return (a->chan & GEN_CH_OWN) ? &w->drings[a->group - w->nrings] : NULL;
}

/* A disciplined member's template number and edit rate (5-15 % of the words). */
static void ident_member_style(const gen_world *w, const gen_dring *g, const gen_acct *a,
                               uint32_t *tpl, double *rate)
{
    uint64_t h = gen_rng_mix(w->o->seed ^ IDENT_KEY, (uint64_t)a->pub * 3 + 1);
    *tpl = (uint32_t)(h % g->ntpl);
    *rate = 0.05 + 0.10 * (double)((h >> 20) % 1000) / 1000.0;
}

void gen_ident_profile_text(const gen_world *w, uint32_t i, char *buf, size_t len)
{
    const gen_acct *a = &w->acct[i];
    const uint64_t seed = w->o->seed ^ IDENT_KEY;
    const gen_dring *g = ident_dring(w, a);
    ident_sb b;
    sb_init(&b, buf, len);
    if (g && (a->behav & GEN_BIT(GEN_B_TEXT_REUSE))) {
        uint32_t t;
        double rate;
        ident_member_style(w, g, a, &t, &rate);
        ident_text(&b, gen_rng_mix(g->key, 0x70726f66ull + t), gen_rng_mix(seed, a->pub), rate, 40,
                   120);
    } else if (a->pop == GEN_POP_COHORT && a->group != GEN_NONE) {
        /* The bootcamp's profile template, a fifth of it made one's own. */
        ident_text(&b, gen_rng_mix(seed, 0x636f686f7274ull + a->group), gen_rng_mix(seed, a->pub),
                   0.2, 40, 120);
    } else if (a->pop == GEN_POP_AGENCY && a->group != GEN_NONE &&
               gen_rng_mix(seed, 0x616762ull + a->group) % 10 < 7) {
        /* Most agencies give their freelancers the company paragraph. */
        ident_text(&b, gen_rng_mix(seed ^ 0x70726f66ull, a->pub), 0, 0, 20, 70);
        ident_text(&b, gen_rng_mix(seed, 0x6167656e6379ull + a->group), gen_rng_mix(seed, a->pub),
                   0.03, 20, 45);
    } else {
        ident_text(&b, gen_rng_mix(seed ^ 0x70726f66ull, a->pub), 0, 0, 40, 120);
    }
}

void gen_ident_bid_text(const gen_world *w, uint32_t f, uint64_t salt, char *buf, size_t len)
{
    const gen_acct *a = &w->acct[f];
    const uint64_t seed = w->o->seed ^ IDENT_KEY;
    const gen_dring *g = ident_dring(w, a);
    ident_sb b;
    sb_init(&b, buf, len);
    uint64_t edit = gen_rng_mix(gen_rng_mix(seed, a->pub), salt);
    if (g && (a->behav & GEN_BIT(GEN_B_TEXT_REUSE))) {
        uint32_t t;
        double rate;
        ident_member_style(w, g, a, &t, &rate);
        ident_text(&b, gen_rng_mix(g->key, 0x626964ull + t), edit, rate, 100, 200);
    } else {
        /* One's own cover letter, adapted a little for every bid. */
        ident_text(&b, gen_rng_mix(seed ^ 0x626964ull, a->pub), edit, 0.15, 100, 200);
    }
}

/* ---------------------------------------------------------------- people */

typedef struct ident_pool {
    const char *const *given;
    size_t ngiven;
    const char *const *family;
    size_t nfamily;
} ident_pool;

static const char *const g_anglo[] = {
    "James",   "Mary",      "John",  "Patricia", "Robert",  "Jennifer", "Michael", "Linda",
    "William", "Elizabeth", "David", "Barbara",  "Richard", "Susan",    "Joseph",  "Jessica",
    "Thomas",  "Sarah",     "Chris", "Karen",    "Daniel",  "Emily",    "Matthew", "Ashley"};
static const char *const f_anglo[] = {
    "Smith",    "Johnson", "Williams", "Brown",    "Jones",  "Miller",  "Davis",    "Wilson",
    "Anderson", "Taylor",  "Thomas",   "Moore",    "Martin", "Jackson", "Thompson", "White",
    "Harris",   "Clark",   "Lewis",    "Robinson", "Walker", "Young",   "Allen",    "O'Brien"};
static const char *const g_south[] = {"Aarav", "Priya",  "Rahul", "Ananya", "Vikram", "Sneha",
                                      "Arjun", "Pooja",  "Rohan", "Kavya",  "Amit",   "Neha",
                                      "Imran", "Ayesha", "Bilal", "Fatima", "Usman",  "Zainab",
                                      "Hamza", "Sana",   "Ali",   "Hira"};
static const char *const f_south[] = {"Sharma", "Patel",   "Singh",   "Kumar",    "Gupta",
                                      "Reddy",  "Iyer",    "Nair",    "Khan",     "Ahmed",
                                      "Malik",  "Hussain", "Qureshi", "Chaudhry", "Joshi",
                                      "Mehta",  "Rao",     "Verma",   "Shah",     "Siddiqui"};
static const char *const g_ph[] = {"Juan", "Maria", "Jose",  "Ana",      "Mark",   "Kristine",
                                   "Rey",  "Grace", "Paolo", "Angelica", "Jerome", "Joy"};
static const char *const f_ph[] = {"Santos",    "Reyes",      "Cruz",    "Bautista",
                                   "Ocampo",    "Garcia",     "Mendoza", "Torres",
                                   "Dela Cruz", "Villanueva", "Ramos",   "Aquino"};
static const char *const g_slav[] = {"Oleksandr", "Olena",     "Andrii", "Iryna",
                                     "Dmytro",    "Natalia",   "Łukasz", "Agnieszka",
                                     "Paweł",     "Katarzyna", "Sergei", "Anna"};
static const char *const f_slav[] = {"Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko",
                                     "Nowak",      "Kowalski",  "Wiśniewski", "Wójcik",
                                     "Ivanov",     "Petrov",    "Smirnova",   "Kuznetsov"};
static const char *const g_br[] = {"João",    "Maria",   "José",     "Ana",    "Lucas",
                                   "Juliana", "Gabriel", "Fernanda", "Rafael", "Camila"};
static const char *const f_br[] = {"Silva", "Santos",   "Oliveira",  "Souza",  "Pereira",
                                   "Lima",  "Carvalho", "Gonçalves", "Araújo", "Ribeiro"};
static const char *const g_eu[] = {"Lukas", "Anna",    "Jonas",  "Lea",    "François", "Chloé",
                                   "Léa",   "Mathieu", "Jürgen", "Sophie", "Daan",     "Emma"};
static const char *const f_eu[] = {"Müller", "Schmidt",  "Schneider", "Fischer",
                                   "Weber",  "Dubois",   "Lefèvre",   "Moreau",
                                   "Girard", "de Vries", "van Dijk",  "Bakker"};
static const char *const g_ng[] = {"Chinedu",   "Ngozi",   "Emeka", "Amaka",     "Tunde",
                                   "Funmilayo", "Ibrahim", "Aisha", "Oluwaseun", "Chiamaka"};
static const char *const f_ng[] = {"Okafor", "Adeyemi",  "Okonkwo", "Balogun", "Eze",
                                   "Nwosu",  "Abubakar", "Olawale", "Ibekwe",  "Adebayo"};
static const char *const g_cn[] = {"Wei", "Fang", "Lei", "Jing", "Hao", "Min", "Yan", "Jun"};
static const char *const f_cn[] = {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao"};

#define POOL(g, f)                                                                                 \
    {                                                                                              \
        g, NELEM(g), f, NELEM(f)                                                                   \
    }
static const ident_pool ident_pools[] = {
    POOL(g_anglo, f_anglo), POOL(g_south, f_south), POOL(g_ph, f_ph), POOL(g_slav, f_slav),
    POOL(g_br, f_br),       POOL(g_eu, f_eu),       POOL(g_ng, f_ng), POOL(g_cn, f_cn)};

/* Country facts for identities: name pool, calling code, cities. */
typedef struct ident_land {
    const char *cc;
    const char *code;
    const char *postal; /* pattern: 9 digit, A letter, others literal */
    const char *city[3];
    int pool;
    int nanp; /* North American numbering: (NPA) NXX-XXXX */
} ident_land;

static const ident_land ident_lands[] = {
    {"US", "1", "99999", {"Austin, TX", "Seattle, WA", "Newark, NJ"}, 0, 1},
    {"CA", "1", "A9A 9A9", {"Toronto, ON", "Vancouver, BC", "Ottawa, ON"}, 0, 1},
    {"GB", "44", "AA9 9AA", {"London", "Manchester", "Leeds"}, 0, 0},
    {"IN", "91", "999999", {"Bengaluru", "Pune", "Hyderabad"}, 1, 0},
    {"PK", "92", "99999", {"Lahore", "Karachi", "Islamabad"}, 1, 0},
    {"PH", "63", "9999", {"Manila", "Cebu City", "Davao City"}, 2, 0},
    {"UA", "380", "99999", {"Kyiv", "Lviv", "Kharkiv"}, 3, 0},
    {"PL", "48", "99-999", {"Warszawa", "Kraków", "Wrocław"}, 3, 0},
    {"RU", "7", "999999", {"Moscow", "Kazan", "Novosibirsk"}, 3, 0},
    {"BR", "55", "99999-999", {"São Paulo", "Recife", "Curitiba"}, 4, 0},
    {"DE", "49", "99999", {"Berlin", "München", "Köln"}, 5, 0},
    {"FR", "33", "99999", {"Paris", "Lyon", "Nantes"}, 5, 0},
    {"NL", "31", "9999 AA", {"Amsterdam", "Utrecht", "Rotterdam"}, 5, 0},
    {"NG", "234", "999999", {"Lagos", "Abuja", "Ibadan"}, 6, 0},
    {"CN", "86", "999999", {"Shenzhen", "Shanghai", "Hangzhou"}, 7, 0},
    {"HK", "852", "999999", {"Kowloon", "Wan Chai", "Sha Tin"}, 7, 0},
};

static const ident_land *ident_land_of(int cc)
{
    const char *s = gen_world_cc(cc);
    for (size_t k = 0; k < NELEM(ident_lands); k++)
        if (strcmp(ident_lands[k].cc, s) == 0)
            return &ident_lands[k];
    return &ident_lands[0];
}

/* A person: who (given name, document, photo, phone), family (family name), home
 * (address), and the country of the names, phone and home. */
typedef struct ident_person {
    uint64_t who, family, home, phone;
    int cc, phone_cc;
} ident_person;

static const char *ident_given(const ident_person *p)
{
    const ident_pool *pl = &ident_pools[ident_land_of(p->cc)->pool];
    return pl->given[gen_rng_mix(p->who, 0x676976ull) % pl->ngiven];
}

static const char *ident_family(const ident_person *p)
{
    const ident_pool *pl = &ident_pools[ident_land_of(p->cc)->pool];
    return pl->family[gen_rng_mix(p->family, 0x66616dull) % pl->nfamily];
}

/* ASCII folding of the few accented letters the name pools use; lower-cases and drops
 * spaces and apostrophes when `handle` is set (e-mail local parts, URLs). */
static void ident_fold(const char *in, char *out, size_t cap, int handle)
{
    static const char *const map[][2] = {
        {"ł", "l"}, {"Ł", "L"}, {"ü", "u"}, {"ö", "o"}, {"ä", "a"}, {"é", "e"}, {"è", "e"},
        {"ç", "c"}, {"ã", "a"}, {"ó", "o"}, {"ú", "u"}, {"ś", "s"}, {"ń", "n"}, {"ą", "a"},
        {"ę", "e"}, {"ż", "z"}, {"ź", "z"}, {"ć", "c"}, {"á", "a"}, {"í", "i"}, {"ô", "o"}};
    size_t n = 0;
    while (*in && n + 3 < cap) {
        size_t k = 0;
        for (; k < NELEM(map); k++) {
            size_t l = strlen(map[k][0]);
            if (strncmp(in, map[k][0], l) == 0) {
                out[n++] = map[k][1][0];
                in += l;
                break;
            }
        }
        if (k < NELEM(map))
            continue;
        char ch = *in++;
        if (handle && (ch == ' ' || ch == '\'' || ch == '-'))
            continue;
        if (handle && ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        out[n++] = ch;
    }
    out[n] = 0;
}

/* "Given Family", "Family, Given", upper or lower case, or without accents. */
static void ident_name(ident_sb *b, const char *given, const char *family, gen_rng *r)
{
    uint32_t s = gen_rng_below(r, 20);
    char g[64], f[64];
    if (s == 19) {
        ident_fold(given, g, sizeof g, 0);
        ident_fold(family, f, sizeof f, 0);
    } else {
        snprintf(g, sizeof g, "%s", given);
        snprintf(f, sizeof f, "%s", family);
    }
    if (s < 14 || s == 19) {
        sb_add(b, "%s %s", g, f);
    } else if (s < 16) {
        sb_add(b, "%s, %s", f, g);
    } else {
        size_t start = b->len;
        sb_add(b, "%s %s", g, f);
        for (size_t k = start; k < b->len; k++) {
            char ch = b->buf[k];
            if (s < 18 && ch >= 'a' && ch <= 'z')
                b->buf[k] = (char)(ch - 'a' + 'A');
            else if (s == 18 && ch >= 'A' && ch <= 'Z')
                b->buf[k] = (char)(ch - 'A' + 'a');
        }
    }
}

/* Digits of a national significant number (10 for North America, 9-10 elsewhere). */
static void ident_nsn(const ident_person *p, char *out, size_t cap)
{
    static const char *const npa[] = {"202", "212", "310", "415", "512", "617",
                                      "646", "702", "718", "917", "416", "604"};
    const ident_land *l = ident_land_of(p->phone_cc);
    uint64_t h = gen_rng_mix(p->phone, 0x70686f6eull);
    if (l->nanp)
        snprintf(out, cap, "%s%03u%04u", npa[h % NELEM(npa)], 200 + (unsigned)(h >> 8) % 800,
                 (unsigned)(h >> 20) % 10000);
    else
        snprintf(out, cap, "%u%09u", 2 + (unsigned)(h % 8), (unsigned)(h >> 12) % 1000000000u);
}

static void ident_phone(ident_sb *b, const ident_person *p, int acct_cc, gen_rng *r)
{
    const ident_land *l = ident_land_of(p->phone_cc);
    char n[24];
    ident_nsn(p, n, sizeof n);
    uint32_t s = gen_rng_below(r, 5);
    /* National formats only where the claimed country supplies the calling code. */
    if (s >= 3 && strcmp(ident_land_of(acct_cc)->code, l->code) != 0)
        s = 0;
    if (l->nanp) {
        switch (s) {
        case 0:
            sb_add(b, "+1 (%.3s) %.3s-%s", n, n + 3, n + 6);
            break;
        case 1:
            sb_add(b, "+1%s", n);
            break;
        case 2:
            sb_add(b, "001%s", n);
            break;
        case 3:
            sb_add(b, "%.3s.%.3s.%s", n, n + 3, n + 6);
            break;
        default:
            sb_add(b, "(%.3s) %.3s-%s", n, n + 3, n + 6);
        }
        return;
    }
    switch (s) {
    case 0:
        sb_add(b, "+%s %.3s %.3s %s", l->code, n, n + 3, n + 6);
        break;
    case 1:
        sb_add(b, "+%s%s", l->code, n);
        break;
    case 2:
        sb_add(b, "00%s%s", l->code, n);
        break;
    case 3:
        sb_add(b, "0%s", n);
        break;
    default:
        sb_add(b, "0%.4s %s", n, n + 4);
    }
}

static const char *const ident_providers[] = {
    "gmail.com",   "gmail.com",   "gmail.com",  "gmail.com", "yahoo.com",
    "outlook.com", "hotmail.com", "icloud.com", "proton.me", "mail.com"};

/* A company's domain, from its key. */
static void ident_domain(uint64_t key, char *out, size_t cap)
{
    static const char *const tld[] = {"com", "io", "co", "net", "dev"};
    static const char *const suf[] = {"", "labs", "soft", "digital", "works", "-tech"};
    char w[32];
    ident_pseudo_word((uint32_t)(key % IDENT_VOCAB), w, sizeof w);
    snprintf(out, cap, "%s%s.%s", w, suf[(key >> 16) % NELEM(suf)], tld[(key >> 24) % NELEM(tld)]);
}

/* E-mail: mailbox from the names in one of six patterns (or `local` as given), domain;
 * then the noise of real sign-up forms: case, and for Gmail dots and +tags. */
static void ident_email(ident_sb *b, const char *local, const char *domain, gen_rng *r)
{
    char lp[96];
    size_t n = 0;
    int gmail = strcmp(domain, "gmail.com") == 0;
    const char *plus = strchr(local, '+');
    for (const char *p = local; *p && n + 2 < sizeof lp; p++) {
        lp[n++] = *p;
        if (gmail && !plus && p[1] && *p != '.' && p[1] != '.' && gen_rng_chance(r, 0.04))
            lp[n++] = '.';
    }
    lp[n] = 0;
    static const char *const tags[] = {"work", "jobs", "freelance", "mkt", "2024"};
    char tag[24] = "";
    if (gmail && !plus && gen_rng_chance(r, 0.12))
        snprintf(tag, sizeof tag, "+%s", tags[gen_rng_below(r, NELEM(tags))]);
    size_t start = b->len;
    sb_add(b, "%s%s@%s", lp, tag, domain);
    uint32_t c = gen_rng_below(r, 10);
    for (size_t k = start; k < b->len; k++) {
        char ch = b->buf[k];
        /* all capitals, or capitalised */
        if ((c == 0 || (c == 1 && k == start)) && ch >= 'a' && ch <= 'z')
            b->buf[k] = (char)(ch - 'a' + 'A');
    }
}

static void ident_mailbox(const ident_person *p, uint64_t h, char *out, size_t cap)
{
    char g[64], f[64];
    ident_fold(ident_given(p), g, sizeof g, 1);
    ident_fold(ident_family(p), f, sizeof f, 1);
    /* A mail service gives each mailbox once: namesakes get the name with a number of
     * their own (h < 3 is a company's style, unique within the company, no digits). */
    unsigned d = (unsigned)(h >> 8) % 10000;
    switch (h % 6) {
    case 0:
        snprintf(out, cap, h < 3 ? "%s.%s" : "%s.%s%u", g, f, d);
        break;
    case 1:
        snprintf(out, cap, h < 3 ? "%s%s" : "%s%s%u", g, f, d);
        break;
    case 2:
        snprintf(out, cap, h < 3 ? "%c.%s" : "%c.%s%u", g[0], f, d);
        break;
    case 3:
        snprintf(out, cap, "%s.%s%u", f, g, d);
        break;
    case 4:
        snprintf(out, cap, "%s_%s%04u", g, f, d);
        break;
    default:
        snprintf(out, cap, "%s%04u", g, d);
    }
}

static const char *const ident_streets[] = {
    "Maple", "Oak",    "Church", "High",   "Station", "Park",      "Victoria",
    "Main",  "Elm",    "Cedar",  "Lake",   "Hill",    "Mill",      "King",
    "Queen", "Garden", "River",  "Sunset", "Lincoln", "Washington"};
static const char *const ident_types[][4] = {
    {"Street", "St.", "St", "st"}, {"Avenue", "Ave", "Ave.", "ave"},
    {"Road", "Rd", "Rd.", "rd"},   {"Boulevard", "Blvd", "Blvd.", "blvd"},
    {"Lane", "Ln", "Ln.", "ln"},   {"Drive", "Dr", "Dr.", "dr"}};

/* Postal address of home key h in country cc, formatted with style stream r: street type
 * spelt out or abbreviated, apartment as "Apt", "#" or "Apartment", commas, case. */
static void ident_address(ident_sb *b, uint64_t home, int cc, gen_rng *r)
{
    const ident_land *l = ident_land_of(cc);
    uint64_t h = gen_rng_mix(home, 0x61646472ull), h2 = gen_rng_mix(home, 0x706f7374ull);
    char post[16];
    size_t k = 0;
    for (const char *p = l->postal; *p && k + 1 < sizeof post; p++, h2 >>= 4) {
        if (*p == '9')
            post[k++] = (char)('0' + h2 % 10);
        else if (*p == 'A')
            post[k++] = (char)('A' + h2 % 26);
        else
            post[k++] = *p;
    }
    post[k] = 0;
    size_t start = b->len;
    unsigned style = gen_rng_below(r, 4);
    sb_add(b, "%u %s %s", 1 + (unsigned)(h % 4999), ident_streets[(h >> 16) % NELEM(ident_streets)],
           ident_types[(h >> 24) % NELEM(ident_types)][style]);
    if ((h >> 32) % 10 < 4) {
        static const char *const apt[] = {"Apt ", "Apt. ", "#", "Apartment ", "# "};
        unsigned unit = 1 + (unsigned)(h >> 36) % 40;
        char letter = (char)('A' + (h >> 44) % 4);
        sb_add(b, "%s%s%u%c", gen_rng_chance(r, 0.7) ? ", " : " ",
               apt[gen_rng_below(r, NELEM(apt))], unit, letter);
    }
    sb_add(b, "%s%s %s", gen_rng_chance(r, 0.8) ? ", " : " ", l->city[(h >> 48) % 3], post);
    if (gen_rng_chance(r, 0.5))
        sb_add(b, ", %s", l->cc);
    uint32_t c = gen_rng_below(r, 20);
    for (size_t q = start; q < b->len; q++) {
        char ch = b->buf[q];
        if (c == 0 && ch >= 'a' && ch <= 'z')
            b->buf[q] = (char)(ch - 'a' + 'A');
        else if (c == 1 && ch >= 'A' && ch <= 'Z')
            b->buf[q] = (char)(ch - 'A' + 'a');
    }
}

/* ------------------------------------------------------------ attributes */

enum {
    K_ADDRESS,
    K_DOCUMENT,
    K_EMAIL,
    K_NAME,
    K_PAYOUT_HOLDER,
    K_PHONE,
    K_PHOTO,
    K_SHIPPING,
    K_URL,
    K_COUNT
};
static const char *const ident_kind_names[K_COUNT] = {"address",    "document",         "email",
                                                      "name",       "payout_holder",    "phone",
                                                      "photo_hash", "shipping_address", "url"};
static const char *const ident_kind_source[K_COUNT] = {
    "kyc", "kyc", "signup", "signup", "payout", "signup", "kyc", "shipping", "signup"};

typedef struct ident_acct {
    const gen_world *w;
    uint32_t i;
    const gen_acct *a;
    const gen_group *grp; /* office, household, agency, shared-control group, or NULL */
    const gen_dring *ring;
    uint32_t j; /* index in its group or ring */
    ident_person p;
    uint64_t seed;
} ident_acct;

static void ident_setup(ident_acct *x, const gen_world *w, uint32_t i)
{
    const gen_acct *a = &w->acct[i];
    memset(x, 0, sizeof *x);
    x->w = w;
    x->i = i;
    x->a = a;
    x->seed = w->o->seed ^ IDENT_KEY;
    x->ring = ident_dring(w, a);
    if (!x->ring && a->pop != GEN_POP_RING && a->pop != GEN_POP_SHILL && a->group != GEN_NONE)
        x->grp = &w->groups[a->group];
    x->j = x->ring ? i - x->ring->first : x->grp ? i - x->grp->first : 0;
    ident_person *p = &x->p;
    p->who = p->family = p->home = p->phone = gen_rng_mix(x->seed, a->pub);
    p->cc = p->phone_cc = a->cc;
    if (x->grp && x->grp->pop == GEN_POP_HOUSEHOLD) {
        /* One home; mostly one family name, sometimes a partner's or a lodger's own. */
        uint64_t gk = gen_rng_mix(x->seed, 0x68686f6c64ull + a->group);
        p->home = gk;
        if (gen_rng_mix(p->who, 0x6b696eull) % 100 < 85)
            p->family = gk;
        p->cc = x->grp->cc;
    } else if (x->grp && x->grp->pop == GEN_POP_SHARED_CONTROL) {
        /* One person, openly running several accounts: one name, phone, document. */
        p->who = p->family = p->home = p->phone = gen_rng_mix(x->seed, 0x7368617265ull + a->group);
        p->cc = p->phone_cc = x->grp->cc;
    }
    if (x->ring && (a->behav & GEN_BIT(GEN_B_IDENTITY_REUSE))) {
        p->phone = gen_rng_mix(x->ring->key, 0x70686f6e65ull + x->j % x->ring->nphone);
        p->phone_cc = gen_world_cc_index("US");
    }
}

static int64_t ident_created(const ident_acct *x)
{
    const gen_world *w = x->w;
    return w->t0 + (int64_t)x->a->created * DAY +
           (int64_t)(gen_rng_mix(w->o->seed ^ x->a->pub, 0x63726561ull) % DAY);
}

/* Whether a (benign, self-paid) freelancer is paid into the spouse's account: 3 %. */
static int ident_spouse(const ident_acct *x)
{
    const gen_acct *a = x->a;
    if (a->role || a->pop == GEN_POP_RING || x->ring || a->pop == GEN_POP_AGENCY ||
        a->pop == GEN_POP_SHARED_CONTROL)
        return 0;
    return gen_rng_mix(x->seed, (uint64_t)a->pub * 5 + 2) % 1000 < 30;
}

/* An email address: the ring's recovery pattern, a company mailbox, or a
 * free provider's (a shared-control group's next mailbox of one person). */
static void ident_value_email(const ident_acct *x, gen_rng *r, ident_sb *b)
{
    const gen_acct *a = x->a;
    const ident_person *p = &x->p;
    char tmp[192], dom[64];
    uint64_t h = gen_rng_mix(p->who, 0x6d626f78ull);
    ident_mailbox(p, h, tmp, sizeof tmp);
    if (x->ring && (a->behav & GEN_BIT(GEN_B_IDENTITY_REUSE))) {
        /* The operators' recovery pattern: given name, family initial and the ring's
         * number, at the ring's provider. */
        char g[64], f[64];
        ident_fold(ident_given(p), g, sizeof g, 1);
        ident_fold(ident_family(p), f, sizeof f, 1);
        snprintf(tmp, sizeof tmp, "%s%c%02u", g, f[0], (unsigned)(x->ring->key % 100));
        static const char *const prov[] = {"proton.me", "tutanota.com", "outlook.com", "gmail.com"};
        ident_email(b, tmp, prov[(x->ring->key >> 8) % NELEM(prov)], r);
    } else if (x->grp && (x->grp->pop == GEN_POP_OFFICE || x->grp->pop == GEN_POP_AGENCY)) {
        ident_domain(gen_rng_mix(x->seed, 0x636f6dull + a->group), dom, sizeof dom);
        ident_mailbox(p, h % 3, tmp, sizeof tmp); /* company style, no digits */
        ident_email(b, tmp, dom, r);
    } else {
        const char *d = ident_providers[(h >> 40) % NELEM(ident_providers)];
        if (x->grp && x->grp->pop == GEN_POP_SHARED_CONTROL && x->j) {
            /* The same person's next mailbox: a +tag at Gmail, a number elsewhere. */
            size_t n = strlen(tmp);
            snprintf(tmp + n, sizeof tmp - n, "%s%u", strcmp(d, "gmail.com") == 0 ? "+acct" : "",
                     x->j + 1);
        }
        ident_email(b, tmp, d, r);
    }
}

/* The payout account holder's name of a paid freelancer: the agency, a
 * mule, a spouse or the persona. Returns 0 when the account has none. */
static int ident_value_holder(const ident_acct *x, gen_rng *r, int paid, ident_sb *b)
{
    const gen_acct *a = x->a;
    const ident_person *p = &x->p;
    const int fl = !a->role;
    if (!fl || !paid)
        return 0;
    if (x->grp && x->grp->pop == GEN_POP_AGENCY) {
        char w[32];
        ident_pseudo_word((uint32_t)(gen_rng_mix(x->seed, 0x636f6dull + a->group) % IDENT_VOCAB), w,
                          sizeof w);
        w[0] = (char)(w[0] - 'a' + 'A');
        sb_add(b, "%s %s", w, gen_rng_chance(r, 0.5) ? "Solutions Ltd" : "Solutions LTD.");
        return 1;
    }
    ident_person q = *p;
    if (x->ring && (a->behav & GEN_BIT(GEN_B_MULE_PAYOUT))) {
        /* A mule in the US: someone else altogether, never the persona's family. */
        q.cc = gen_world_cc_index("US");
        q.who = q.family = gen_rng_mix(x->ring->key, 0x6d756c65ull + x->j);
        for (uint64_t t = 1; strcmp(ident_family(&q), ident_family(p)) == 0; t++)
            q.family = gen_rng_mix(q.who, t);
    } else if (ident_spouse(x)) {
        const char *own = ident_given(p);
        q.who = gen_rng_mix(p->who, 0x73706f757365ull);
        for (uint64_t t = 1; strcmp(ident_given(&q), own) == 0; t++)
            q.who = gen_rng_mix(p->who, t);
    }
    ident_name(b, ident_given(&q), ident_family(&q), r);
    return 1;
}

/* A portfolio or profile URL; returns 0 when the account has none. */
static int ident_value_url(const ident_acct *x, gen_rng *r, ident_sb *b)
{
    const gen_acct *a = x->a;
    const ident_person *p = &x->p;
    const int fl = !a->role;
    char dom[64];
    if (!x->ring && !gen_rng_chance(r, fl ? 0.6 : 0.4))
        return 0;
    char g[64], f[64];
    ident_fold(ident_given(p), g, sizeof g, 1);
    ident_fold(ident_family(p), f, sizeof f, 1);
    if (x->grp && x->grp->pop == GEN_POP_AGENCY) {
        ident_domain(gen_rng_mix(x->seed, 0x636f6dull + a->group), dom, sizeof dom);
        sb_add(b, "https://%s/team/%s-%s", dom, g, f);
        return 1;
    }
    uint64_t h = gen_rng_mix(p->who, 0x75726cull);
    unsigned d = (unsigned)(h >> 8) % 10000; /* handles and domains are given once */
    switch (h % 5) {
    case 0:
        sb_add(b, "https://github.com/%s%s%u", g, f, d);
        break;
    case 1:
        sb_add(b, "https://www.behance.net/%s-%s%u", g, f, d);
        break;
    case 2:
        sb_add(b, "https://%s%s%u.dev", g, f, d);
        break;
    case 3:
        sb_add(b, "http://www.%s-%s-%u.com/", g, f, d);
        break;
    default:
        sb_add(b, "https://www.linkedin.com/in/%s-%s-%04x", g, f, (unsigned)(h >> 16) & 0xffff);
    }
    return 1;
}

/* The value of attribute kind k into b; returns 0 when the account has none. */
static int ident_value(ident_acct *x, int k, gen_rng *r, int paid, ident_sb *b)
{
    const gen_acct *a = x->a;
    const ident_person *p = &x->p;
    const int fl = !a->role;
    switch (k) {
    case K_NAME:
        ident_name(b, ident_given(p), ident_family(p), r);
        return 1;
    case K_EMAIL:
        ident_value_email(x, r, b);
        return 1;
    case K_PHONE:
        ident_phone(b, p, a->cc, r);
        return 1;
    case K_ADDRESS: {
        int always =
            x->ring ||
            (x->grp && (x->grp->pop == GEN_POP_HOUSEHOLD || x->grp->pop == GEN_POP_SHARED_CONTROL));
        if (!always && !gen_rng_chance(r, fl ? 0.85 : 0.7))
            return 0;
        ident_address(b, p->home, p->cc, r);
        return 1;
    }
    case K_SHIPPING:
        if (x->ring && (a->behav & GEN_BIT(GEN_B_SHIPPING_FARM))) {
            ident_address(b, gen_rng_mix(x->ring->key, 0x6661726dull), gen_world_cc_index("US"), r);
            return 1;
        }
        if (a->behav & GEN_BIT(GEN_B_COMPANY_SHIPPING)) {
            ident_address(b, gen_rng_mix(x->seed, 0x687562ull + a->peer), a->cc, r);
            return 1;
        }
        if (x->grp && x->grp->pop == GEN_POP_HOUSEHOLD && gen_rng_chance(r, 0.6)) {
            ident_address(b, p->home, p->cc, r);
            return 1;
        }
        if (fl && gen_rng_chance(r, 0.1)) {
            ident_address(b, p->home, p->cc, r);
            return 1;
        }
        return 0;
    case K_DOCUMENT: {
        if (!x->ring && !gen_rng_chance(r, fl ? 0.8 : 0.5))
            return 0;
        uint64_t h1 = gen_rng_mix(p->who, 0x646f63ull), h2 = gen_rng_mix(h1, 0x646f63ull);
        sb_add(b, gen_rng_chance(r, 0.15) ? "%016llX%08X" : "%016llx%08x", (unsigned long long)h1,
               (unsigned)(h2 >> 32));
        return 1;
    }
    case K_PHOTO: {
        if (!x->ring && !gen_rng_chance(r, fl ? 0.75 : 0.5))
            return 0;
        uint64_t ph = gen_rng_mix(p->who, 0x70686f746full);
        if (x->ring && (a->behav & GEN_BIT(GEN_B_PHOTO_REUSE))) {
            /* One of the ring's few photos, re-encoded or cropped: 0-4 bits differ. */
            ph = gen_rng_mix(x->ring->key, 0x70686f746full + x->j % x->ring->nphoto);
            uint32_t flips = gen_rng_below(r, 5);
            for (uint32_t f = 0; f < flips; f++)
                ph ^= 1ull << gen_rng_below(r, 64);
        }
        sb_add(b, "%016llx", (unsigned long long)ph);
        return 1;
    }
    case K_PAYOUT_HOLDER:
        return ident_value_holder(x, r, paid, b);
    case K_URL:
        return ident_value_url(x, r, b);
    default:
        return 0;
    }
}

static int64_t ident_ts(const ident_acct *x, int k, gen_rng *r)
{
    int64_t t = ident_created(x);
    if (k == K_ADDRESS || k == K_DOCUMENT || k == K_PHOTO)
        t += (int64_t)gen_rng_range(r, 1, 20) * DAY + gen_rng_below(r, DAY);
    else if (k == K_PAYOUT_HOLDER)
        t += (int64_t)gen_rng_range(r, 2, 30) * DAY + gen_rng_below(r, DAY);
    else if (k == K_SHIPPING)
        t += (int64_t)gen_rng_range(r, 3, 60) * DAY + gen_rng_below(r, DAY);
    else
        t += gen_rng_below(r, 600);
    return t;
}

static void ident_field(gen_out *t, const char *s)
{
    if (strpbrk(s, ",\"\r\n"))
        gen_out_quoted(t, s);
    else
        gen_out_str(t, s);
}

int gen_ident_write(gen_world *w, const char *dir, gen_events_stats *st, rs_error *err)
{
    gen_out *t = NULL;
    int rc = -1;
    if (gen_out_open(&t, dir, "attributes.csv", w->o->gzip, "account_id,kind,value,ts,source") !=
        0) {
        rs_error_set(err, RS_E_IO, NULL, 0, 0, "cannot create %s/attributes.csv: %s", dir,
                     strerror(errno));
        return -1;
    }
    for (uint32_t o = 0; o < w->n; o++) {
        uint32_t i = w->order[o];
        ident_acct x;
        gen_rng r;
        ident_setup(&x, w, i);
        gen_rng_seed(&r, w->o->seed, IDENT_KEY, i);
        int paid = !w->acct[i].role && gen_events_paid(w, i);
        if (paid && ident_spouse(&x))
            w->acct[i].behav |= GEN_BIT(GEN_B_SPOUSE_PAYOUT);
        for (int k = 0; k < K_COUNT; k++) {
            char val[512];
            ident_sb b;
            sb_init(&b, val, sizeof val);
            if (!ident_value(&x, k, &r, paid, &b))
                continue;
            gen_out_id(t, 'u', w->acct[i].pub, 8);
            gen_out_str(t, ident_kind_names[k]);
            ident_field(t, val);
            gen_out_ts(t, ident_ts(&x, k, &r));
            gen_out_str(t, ident_kind_source[k]);
            gen_out_eol(t);
        }
    }
    gen_scheme_attributes(w, t); /* --schemes: after every base account's rows */
    st->attr_rows = gen_out_rows(t);
    rc = 0;
    if (gen_out_close(t, 1) != 0) {
        rs_error_set(err, RS_E_IO, NULL, 0, 0, "cannot write %s/attributes.csv", dir);
        rc = -1;
    }
    return rc;
}
