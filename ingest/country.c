/* country.c - country names and alpha-3 codes to alpha-2; see country.h.
 *
 * The iso-codes table is loaded once (pthread_once: the parse thread and the
 * evidence pass may both ask) into a sorted array of (key, alpha-2), where a
 * key is a name folded to lower-case letters and digits with single spaces;
 * lookups are binary searches.
 */
#include "ingest/country.h"

#include "base/alloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    char cc[3];
} entry;

static entry *table;
static size_t ntable;
static int loaded; /* 1 when the iso-codes file was read */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Folds s[0..n) into out: ASCII letters lower-cased, digits kept, every run of
 * anything else (spaces, punctuation) one space, trimmed. Non-ASCII bytes are
 * kept as they are. Returns the length. */
static size_t fold(const char *s, size_t n, char *out, size_t outlen)
{
    size_t j = 0;
    int gap = 0;
    for (size_t i = 0; i < n && j + 2 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        int keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
            keep = 1;
        }
        if (c == '\'') /* "Cote d'Ivoire" = "cote divoire" */
            continue;
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
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static void add(const char *name, const char *cc, size_t *cap)
{
    char key[256];
    if (!name || !fold(name, strlen(name), key, sizeof key))
        return;
    ALLOC_GROW(table, *cap, ntable + 1);
    table[ntable].key = xstrdup(key);
    memcpy(table[ntable].cc, cc, 3);
    ntable++;
}

static void load(void)
{
    size_t cap = 0;
    add("UK", "GB", &cap); /* reserved for GB by ISO, common in exports */
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
    if (ntable)
        qsort(table, ntable, sizeof *table, entry_cmp);
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
        hit = bsearch(&want, table, ntable, sizeof *table, entry_cmp);
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
