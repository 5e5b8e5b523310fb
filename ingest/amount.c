/* amount.c - see amount.h. The number is rewritten into plain decimal text
 * (digits and at most one '.') and converted with strtod. */
#include "ingest/amount.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const symbols[] = {"$",
                                      "\xE2\x82\xAC",
                                      "\xC2\xA3",
                                      "\xC2\xA5",
                                      "\xE2\x82\xB9",
                                      "\xE2\x82\xBD",
                                      "\xE2\x82\xA9",
                                      "\xE2\x82\xBA",
                                      "\xE2\x82\xAA",
                                      "\xE2\x82\xAB",
                                      "\xE2\x82\xB1",
                                      "\xE2\x82\xA6",
                                      "\xE2\x82\xB4",
                                      "\xE2\x82\xBF"};

static int is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* Length of a currency symbol at s[0..n) (front) or ending at s[n] (back). */
static size_t symbol_at(const char *s, size_t n, int back)
{
    for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++) {
        size_t l = strlen(symbols[i]);
        if (l <= n && memcmp(back ? s + n - l : s, symbols[i], l) == 0)
            return l;
    }
    return 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* Removes one currency marker (symbol, or a three-letter code, or "US$"-like
 * letters then symbol) from each end. */
static void strip_currency(const char **s, size_t *n)
{
    trim(s, n);
    size_t l = 0;
    while (l < *n && l < 3 && is_upper((*s)[l]))
        l++;
    size_t sym = symbol_at(*s + l, *n - l, 0);
    if ((l == 3 && (l == *n || !is_alpha((*s)[l]))) || (l && sym) || (!l && sym)) {
        *s += l + sym;
        *n -= l + sym;
    }
    trim(s, n);
    sym = symbol_at(*s, *n, 1);
    if (sym) {
        *n -= sym;
    } else if (*n > 3 && is_upper((*s)[*n - 1]) && is_upper((*s)[*n - 2]) &&
               is_upper((*s)[*n - 3]) && !is_alpha((*s)[*n - 4])) {
        *n -= 3;
    }
    trim(s, n);
}

/* Plain decimal text of digits with optional one '.', exponent allowed. */
static int plain(const char *s, size_t n)
{
    int dots = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.')
            dots++;
        else if (!((c >= '0' && c <= '9') || c == 'e' || c == 'E' || c == '+' ||
                   (c == '-' && i && (s[i - 1] == 'e' || s[i - 1] == 'E'))))
            return 0;
    }
    return dots <= 1 && n && s[0] >= '0' && s[0] <= '9';
}

/* Checks that the integer part s[0..n) (digits and one grouping character g)
 * groups by three, and appends its digits to out. */
static int grouped(const char *s, size_t n, char g, char *out, size_t *j, size_t cap)
{
    size_t run = 0, groups = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == g) {
            if ((groups == 0 && (run == 0 || run > 3)) || (groups > 0 && run != 3))
                return -1;
            groups++;
            run = 0;
        } else {
            if (*j + 1 >= cap)
                return -1;
            out[(*j)++] = s[i];
            run++;
        }
    }
    return groups && run != 3 ? -1 : 0;
}

int amount_parse(const char *s, size_t n, double *out, rs_error *err)
{
    char buf[80] = {0}, norm[80] = {0}; /* zeroed: keeps the static analyser sure of every byte */
    size_t m = 0;
    /* No-break spaces as grouping: fold them to ' ' first. */
    for (size_t i = 0; i < n; i++) {
        if (m + 1 >= sizeof buf) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "not a number (too long)");
            return -1;
        }
        if (i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
            buf[m++] = ' ', i++;
        } else if (i + 2 < n && !memcmp(s + i, "\xE2\x80\xAF", 3)) {
            buf[m++] = ' ', i += 2;
        } else {
            buf[m++] = s[i];
        }
    }
    const char *p = buf;
    strip_currency(&p, &m);
    if (m && (p[0] == '-' || p[0] == '(')) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "negative amount");
        return -1;
    }
    if (m && p[0] == '+')
        p++, m--;
    if (!m) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "not a number");
        return -1;
    }
    size_t j = 0;
    if (plain(p, m)) {
        /* "12.500" and "1.250" read as decimals would be right in one locale
         * and wrong by 1000 in another. */
        const char *dot = memchr(p, '.', m);
        if (dot && m - (size_t)(dot - p) == 4 && dot - p <= 3 && p[0] != '0' &&
            !memchr(p, 'e', m) && !memchr(p, 'E', m)) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0,
                         "ambiguous amount: is '.' a thousands separator or the decimal point? "
                         "(write 1250 or 1.25)");
            return -1;
        }
        memcpy(norm, p, m);
        j = m;
    } else {
        /* digits and separators only from here */
        int has_dot = 0, has_comma = 0;
        size_t last = m;
        for (size_t i = 0; i < m; i++) {
            char c = p[i];
            if (c == '.' || c == ',')
                has_dot |= c == '.', has_comma |= c == ',', last = i;
            else if (!(c >= '0' && c <= '9') && c != ' ' && c != '\'') {
                rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "not a number");
                return -1;
            }
        }
        char dec = 0, grp = 0;
        if (has_dot && has_comma) {
            dec = p[last];
            grp = dec == '.' ? ',' : '.';
        } else if (has_dot || has_comma) {
            char c = has_dot ? '.' : ',';
            size_t count = 0;
            for (size_t i = 0; i < m; i++)
                count += p[i] == c;
            size_t after = m - last - 1;
            if (count > 1) {
                grp = c;
            } else if (after == 3 && last >= 1 && last <= 3 && p[0] != '0' && !memchr(p, ' ', m) &&
                       !memchr(p, '\'', m)) {
                rs_error_set(err, RS_E_VALUE, NULL, 0, 0,
                             "ambiguous amount: is the separator for thousands or decimals? "
                             "(write 1250 or 1.25)");
                return -1;
            } else {
                dec = c;
            }
        }
        if (!grp) /* spaces or apostrophes group, if anything does */
            grp = memchr(p, '\'', m) ? '\'' : ' ';
        size_t int_end = dec ? last : m;
        if (grouped(p, int_end, grp, norm, &j, sizeof norm) != 0 ||
            (grp != ' ' && memchr(p, ' ', int_end)) || (grp != '\'' && memchr(p, '\'', int_end))) {
            rs_error_set(err, RS_E_VALUE, NULL, 0, 0,
                         "not a number (thousands separators must group digits by three)");
            return -1;
        }
        if (dec) {
            norm[j++] = '.';
            for (size_t i = last + 1; i < m; i++) {
                if (p[i] < '0' || p[i] > '9' || j + 1 >= sizeof norm) {
                    rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "not a number");
                    return -1;
                }
                norm[j++] = p[i];
            }
        }
    }
    norm[j] = '\0';
    char *end;
    errno = 0;
    double d = strtod(norm, &end);
    if (j == 0 || *end || errno == ERANGE || !isfinite(d)) {
        rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "not a number");
        return -1;
    }
    *out = d;
    return 0;
}
