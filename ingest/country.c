/* country.c - country names and alpha-3 codes to alpha-2; see country.h.
 *
 * The iso-codes table is loaded once (pthread_once: the parse thread and the
 * evidence pass may both ask) into a sorted array of (key, alpha-2), where a
 * key is a name folded to lower-case letters and digits with single spaces,
 * accents dropped ("Türkiye" = "turkiye"); lookups are binary searches.
 *
 * Three sources feed the one table: ISO's alpha-3 code, short name, official
 * name and common name from iso-codes, and the alias table below for short
 * names exports use that ISO does not list ("Russia", "UAE", "Ivory Coast").
 * A key that two sources give different codes, or that names more than one
 * country in common use ("Congo", "Korea"), is ambiguous and refused rather
 * than guessed.
 */
#include "ingest/country.h"

#include "base/alloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    char cc[3]; /* "" for an ambiguous key */
} entry;

/* Widely used English short names that ISO 3166-1 (as shipped by iso-codes)
 * does not list as name, official_name or common_name. Each row is one
 * country's name as exports write it; the key is folded like ISO's names, so
 * case, punctuation and accents do not matter. Former names stay while
 * exports still carry them (Swaziland, Burma, Macedonia). */
static const struct {
    const char *name;
    const char *cc;
} aliases[] = {
    {"UK", "GB"}, /* reserved for GB by ISO */
    {"Great Britain", "GB"},
    {"Britain", "GB"},
    {"U.S.", "US"},
    {"U.S.A.", "US"},
    {"United States of America", "US"},
    {"Russia", "RU"},
    {"Turkey", "TR"},
    {"UAE", "AE"},
    {"U.A.E.", "AE"},
    {"Emirates", "AE"},
    {"Ivory Coast", "CI"},
    {"Cote d'Ivoire", "CI"},
    {"Korea, South", "KR"},
    {"Republic of Korea", "KR"},
    {"Korea, North", "KP"},
    {"DPRK", "KP"},
    {"Iran", "IR"},
    {"Syria", "SY"},
    {"Vietnam", "VN"},
    {"Laos", "LA"},
    {"Bolivia", "BO"},
    {"Venezuela", "VE"},
    {"Tanzania", "TZ"},
    {"Moldova", "MD"},
    {"Czech Republic", "CZ"},
    {"Macedonia", "MK"},
    {"Palestine", "PS"},
    {"Taiwan", "TW"},
    {"Hong Kong SAR", "HK"},
    {"Macau", "MO"},
    {"Macau SAR", "MO"},
    {"Congo-Kinshasa", "CD"},
    {"DR Congo", "CD"},
    {"DRC", "CD"},
    {"Democratic Republic of the Congo", "CD"},
    {"Congo-Brazzaville", "CG"},
    {"Republic of Congo", "CG"},
    {"Swaziland", "SZ"},
    {"Burma", "MM"},
    {"Cape Verde", "CV"},
    {"Brunei", "BN"},
    {"Micronesia", "FM"},
    {"Vatican", "VA"},
    {"Vatican City", "VA"},
    {"East Timor", "TL"},
    {"The Netherlands", "NL"},
    {"Holland", "NL"},
    {"The Gambia", "GM"},
    {"The Bahamas", "BS"},
};

/* Names that stand for more than one country in common use; refused even
 * where ISO gives one of them the bare name (ISO's "Congo" is CG, but
 * exports write it for both). */
static const char *const ambiguous[] = {"Congo", "Korea", "Virgin Islands"};

static entry *table;
static size_t ntable;
static int loaded; /* 1 when the iso-codes file was read */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The ASCII letter under a Latin-1 Supplement letter U+00C0..U+00FF (the
 * UTF-8 pair C3 80..C3 BF), lower-cased, or 0 for one without a plain base
 * (×, ÷, æ, ð, þ, ß are kept as they are). Country names in English use
 * only these accents: Côte, Åland, Curaçao, Réunion, Türkiye, São Tomé. */
static char unaccent(unsigned char second)
{
    static const char base[65] = "aaaaaa\0ceeeeiiii"    /* C0..CF */
                                 "\0nooooo\0ouuuuy\0\0" /* D0..DF */
                                 "aaaaaa\0ceeeeiiii"    /* E0..EF */
                                 "\0nooooo\0ouuuuy\0y"; /* F0..FF */
    if (second < 0x80 || second > 0xBF)
        return 0;
    return base[second - 0x80];
}

/* Folds s[0..n) into out: ASCII letters lower-cased, accented Latin letters to
 * their base letter, digits kept, every run of anything else (spaces,
 * punctuation) one space, trimmed. Other non-ASCII bytes are kept as they
 * are. Returns the length. */
static size_t fold(const char *s, size_t n, char *out, size_t outlen)
{
    size_t j = 0;
    int gap = 0;
    for (size_t i = 0; i < n && j + 2 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC3 && i + 1 < n && unaccent((unsigned char)s[i + 1])) {
            c = (unsigned char)unaccent((unsigned char)s[++i]);
            if (gap && j)
                out[j++] = ' ';
            gap = 0;
            out[j++] = (char)c;
            continue;
        }
        int keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
            keep = 1;
        }
        if (c == '\'') /* "Cote d'Ivoire" = "cote divoire" */
            continue;
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) { /* U+2019, the typographic apostrophe */
            i += 2;
            continue;
        }
        if (!keep) {
            gap = 1;
            continue;
        }
        if (gap && j)
            out[j++] = ' ';
        gap = 0;
        out[j++] = (char)c;
    }
    out[j] = '\0';
    return j;
}

static int entry_cmp(const void *a, const void *b)
{
    int d = strcmp(((const entry *)a)->key, ((const entry *)b)->key);
    return d ? d : strcmp(((const entry *)a)->cc, ((const entry *)b)->cc);
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static void add(const char *name, const char *cc, size_t *cap)
{
    char key[256];
    if (!name || !fold(name, strlen(name), key, sizeof key))
        return;
    ALLOC_GROW(table, *cap, ntable + 1);
    table[ntable].key = xstrdup(key);
    snprintf(table[ntable].cc, sizeof table[ntable].cc, "%s", cc); /* "" for an ambiguous name */
    ntable++;
}

/* Sorts the table and merges equal keys: one code stays; two different codes
 * (a name on the ambiguous list comes with code "") leave the key with "". */
static void settle(void)
{
    qsort(table, ntable, sizeof *table, entry_cmp);
    size_t j = 0;
    for (size_t i = 0; i < ntable; i++) {
        if (j && strcmp(table[j - 1].key, table[i].key) == 0) {
            if (strcmp(table[j - 1].cc, table[i].cc) != 0)
                table[j - 1].cc[0] = '\0';
            free(table[i].key);
            continue;
        }
        table[j++] = table[i];
    }
    ntable = j;
}

static void load(void)
{
    size_t cap = 0;
    json_t *root = json_load_file(COUNTRY_ISO_CODES_FILE, 0, NULL);
    json_t *arr = json_object_get(root, "3166-1");
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        const char *a2 = json_string_value(json_object_get(e, "alpha_2"));
        if (!a2 || strlen(a2) != 2)
            continue;
        add(json_string_value(json_object_get(e, "alpha_3")), a2, &cap);
        add(json_string_value(json_object_get(e, "name")), a2, &cap);
        add(json_string_value(json_object_get(e, "official_name")), a2, &cap);
        add(json_string_value(json_object_get(e, "common_name")), a2, &cap);
        loaded = 1;
    }
    json_decref(root);
    for (size_t a = 0; a < sizeof aliases / sizeof *aliases; a++)
        if (loaded || strcmp(aliases[a].name, "UK") == 0)
            add(aliases[a].name, aliases[a].cc, &cap);
    for (size_t a = 0; loaded && a < sizeof ambiguous / sizeof *ambiguous; a++)
        add(ambiguous[a], "", &cap);
    if (ntable)
        settle();
}

int country_parse(const char *s, size_t n, char cc[3], rs_error *err)
{
    while (n && s[0] == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    int alpha2 = n == 2;
    for (size_t i = 0; alpha2 && i < 2; i++)
        alpha2 = (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z');
    if (alpha2 && !((s[0] | 0x20) == 'u' && (s[1] | 0x20) == 'k')) {
        cc[0] = (char)(s[0] & ~0x20);
        cc[1] = (char)(s[1] & ~0x20);
        cc[2] = '\0';
        return 0;
    }
    pthread_once(&once, load);
    char key[256];
    entry want = {key, ""};
    const entry *hit = NULL;
    if (n < sizeof key && fold(s, n, key, sizeof key))
        hit = bsearch(&want, table, ntable, sizeof *table, key_cmp);
    if (hit && !hit->cc[0]) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "%s",
                     "ambiguous country name (names more than one country; give the ISO "
                     "3166-1 alpha-2 or alpha-3 code)");
        return -1;
    }
    if (hit) {
        memcpy(cc, hit->cc, 3);
        return 0;
    }
    rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "%s",
                 loaded ? "not a country (ISO 3166-1 alpha-2 or alpha-3 code, or English name)"
                        : "not an ISO 3166-1 alpha-2 code (install the iso-codes package to read "
                          "alpha-3 codes and country names)");
    return -1;
}
