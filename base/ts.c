/* ts.c - timestamp parsing and formatting; see ts.h.
 *
 * Hand-parsed rather than strptime/timegm: those depend on the locale and TZ,
 * accept partial input, and are several times slower on the ingest hot path
 * (one timestamp per row). The civil-date arithmetic is the standard
 * era-based days-from-civil conversion.
 */
#include "base/ts.h"

#include <stdio.h>
#include <string.h>

int64_t ts_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static int digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static int is_leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int fail(rs_error *err, const char *reason)
{
    rs_error_set(err, RS_E_VALUE, NULL, 0, 0, "%s", reason);
    return -1;
}

/* Epoch time with an optional fraction: digits[.digits]. The unit follows
 * from the magnitude of the integer part: below 10^11 seconds (up to year
 * 5138), below 10^14 milliseconds, below 10^17 microseconds, else
 * nanoseconds (exports write all four). */
static int parse_epoch(const char *s, size_t n, int64_t *out, rs_error *err)
{
    size_t i = 0;
    int64_t v = 0;
    if (n == 0)
        return fail(err, "empty timestamp");
    for (; i < n && s[i] != '.'; i++) {
        if (s[i] < '0' || s[i] > '9') {
            if (memchr(s, '/', n))
                return fail(err, "date with '/' (day and month order unknown): write "
                                 "YYYY-MM-DD HH:MM:SS or RFC 3339");
            return fail(err, "not a timestamp (expected RFC 3339, "
                             "'YYYY-MM-DD HH:MM:SS' or epoch seconds/milliseconds)");
        }
        if (v > INT64_MAX / 10 - 1)
            return fail(err, "epoch value out of range");
        v = v * 10 + (s[i] - '0');
    }
    if (i == 0)
        return fail(err, "not a timestamp");
    if (v >= 100000000000LL) { /* milliseconds, microseconds or nanoseconds */
        int64_t ms = v >= 100000000000000000LL ? v / 1000000
                     : v >= 100000000000000LL  ? v / 1000
                                               : v;
        if (ms > 253402300799999LL)
            return fail(err, "epoch value out of range (after year 9999 in any unit)");
        for (size_t k = i + 1; k < n; k++)
            if (s[k] < '0' || s[k] > '9')
                return fail(err, "not a timestamp");
        if (i + 1 == n)
            return fail(err, "epoch fraction has no digits");
        *out = ms; /* a fraction of a millisecond or finer is dropped */
        return 0;
    }
    int64_t sec = v;
    int64_t ms = 0;
    if (i < n) { /* fraction */
        i++;
        if (i == n)
            return fail(err, "epoch fraction has no digits");
        int scale = 100;
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return fail(err, "not a timestamp");
            ms += (s[i] - '0') * scale;
            scale /= 10;
        }
    }
    *out = sec * 1000 + ms;
    return 0;
}

/* A UTC offset s[0..n), sign first: +HH:MM (RFC 3339), +HHMM (ISO 8601
 * basic) or +HH (PostgreSQL writes "+00" and "-05" for whole hours). Sets
 * *min to the signed minutes east of UTC. Returns 0 or -1. */
static int parse_offset(const char *s, size_t n, int64_t *min)
{
    unsigned oh, om = 0;
    if (n != 3 && n != 5 && n != 6)
        return -1;
    if (digits(s + 1, 2, &oh) || oh > 23)
        return -1;
    if (n == 6 && (s[3] != ':' || digits(s + 4, 2, &om)))
        return -1;
    if (n == 5 && digits(s + 3, 2, &om))
        return -1;
    if (om > 59)
        return -1;
    *min = (int64_t)(oh * 60 + om) * (s[0] == '-' ? -1 : 1);
    return 0;
}

/* 1 when s[0..n) starts like a date with a two-digit year: YY-MM-DD. */
static int two_digit_year(const char *s, size_t n)
{
    unsigned y, m, d;
    return n >= 8 && s[2] == '-' && s[5] == '-' && !digits(s, 2, &y) && !digits(s + 3, 2, &m) &&
           !digits(s + 6, 2, &d) && (n == 8 || s[8] == ' ' || s[8] == 'T');
}

int ts_parse(const char *s, size_t n, int64_t *out, rs_error *err)
{
    if (two_digit_year(s, n))
        return fail(err, "two-digit year: write the year in full (YYYY-MM-DD)");
    /* Date forms start with YYYY-; anything else must be epoch seconds. */
    if (n < 10 || s[4] != '-')
        return parse_epoch(s, n, out, err);
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
        return fail(err, "malformed date (expected YYYY-MM-DD)");
    if (y < 100)
        return fail(err, "two-digit year written with leading zeros: write the year in full");
    if (y < 1970 || mo < 1 || mo > 12 || d < 1)
        return fail(err, "date out of range");
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
        return fail(err, "day out of range for month");
    if (n == 10)
        return fail(err, "date without time");
    size_t i = 10;
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        return fail(err, "expected 'T' or space between date and time");
    i++;
    if (n < i + 8 || digits(s + i, 2, &h) || s[i + 2] != ':' || digits(s + i + 3, 2, &mi) ||
        s[i + 5] != ':' || digits(s + i + 6, 2, &sec))
        return fail(err, "malformed time (expected HH:MM:SS)");
    if (h > 23 || mi > 59 || sec > 60)
        return fail(err, "time out of range");
    i += 8;
    int64_t ms = 0;
    if (i < n && s[i] == '.') {
        i++;
        size_t start = i;
        int scale = 100;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            ms += (s[i] - '0') * scale;
            scale /= 10;
        }
        if (i == start)
            return fail(err, "fractional seconds have no digits");
    }
    int64_t offset_min = 0;
    if (i < n) {
        if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
            /* UTC */
        } else if (s[i] == '+' || s[i] == '-') {
            if (parse_offset(s + i, n - i, &offset_min))
                return fail(err, "malformed UTC offset (expected +HH:MM, +HHMM or +HH)");
        } else {
            return fail(err, "trailing characters after time (expected Z or +HH:MM)");
        }
    }
    /* Exports are time-ordered or nearly: the date rarely changes from one
     * row to the next, so remember the last conversion (per thread). */
    static _Thread_local unsigned memo_key;
    static _Thread_local int64_t memo_days;
    unsigned key = (y * 13 + mo) * 32 + d;
    int64_t days;
    if (key == memo_key) {
        days = memo_days;
    } else {
        days = ts_days_from_civil(y, mo, d);
        memo_key = key;
        memo_days = days;
    }
    int64_t t = ((days * 24 + h) * 60 + mi) * 60 + sec;
    t -= offset_min * 60;
    if (t < 0)
        return fail(err, "timestamp before 1970");
    *out = t * 1000 + ms;
    return 0;
}

/* 1 when s[0..n) is written as an epoch number (digits, at most one '.'). */
static int epoch_text(const char *s, size_t n)
{
    int dots = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.')
            dots++;
        else if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0 && dots <= 1;
}

int ts_check_range(const char *s, size_t n, int64_t ms, int64_t latest, rs_error *err)
{
    if (ms >= TS_EARLIEST && (latest == TS_NONE || ms <= latest))
        return 0;
    int epoch = epoch_text(s, n);
    if (ms >= TS_EARLIEST && epoch)
        return fail(err, "after the run's clock plus one day: an epoch in a wrong unit (ms as "
                         "seconds?)");
    if (ms >= TS_EARLIEST)
        return fail(err, "after the run's clock plus one day (a wrong year, clock or time zone?)");
    if (!epoch)
        return fail(err,
                    "before 2000-01-01 (a placeholder date, or a two-digit year read as 19YY?)");
    /* The number as written, read as seconds: an Excel serial is a day count
     * from 1899-12-30 (36526 is 2000-01-01), a Unix day count one from 1970
     * (10957 is 2000-01-01); either read as seconds lands on 1970-01-01.
     * Only this century's serials are named: a larger number is some other
     * unit. */
    int64_t sec = ms / 1000;
    if (sec >= 36526 && sec < 73051) /* 2000-01-01 to 2099-12-31 */
        return fail(err, "before 2000: an Excel serial date (days since 1899-12-30) read as epoch "
                         "seconds");
    if (sec >= 10957 && sec < 36526)
        return fail(err, "before 2000: days since 1970 read as epoch seconds");
    return fail(err, "before 2000: an epoch value too small for seconds (a wrong unit?)");
}

char *ts_format(int64_t ms, char *buf)
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int frac = (int)(ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int hh = (int)(rem / 3600), mm = (int)(rem / 60 % 60), ss = (int)(rem % 60);
    if (y < 0 || y > 9999) {
        snprintf(buf, TS_FMT_LEN, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d, hh, mm, ss);
        return buf;
    }
    /* Fixed-width digits by hand: this runs twice per exported edge. */
    char *p = buf;
    *p++ = (char)('0' + y / 1000);
    *p++ = (char)('0' + y / 100 % 10);
    *p++ = (char)('0' + y / 10 % 10);
    *p++ = (char)('0' + y % 10);
    const int parts[5] = {(int)m, (int)d, hh, mm, ss};
    const char seps[5] = {'-', '-', 'T', ':', ':'};
    for (int i = 0; i < 5; i++) {
        *p++ = seps[i];
        *p++ = (char)('0' + parts[i] / 10);
        *p++ = (char)('0' + parts[i] % 10);
    }
    if (frac) {
        *p++ = '.';
        *p++ = (char)('0' + frac / 100);
        *p++ = (char)('0' + frac / 10 % 10);
        *p++ = (char)('0' + frac % 10);
    }
    *p++ = 'Z';
    *p = '\0';
    return buf;
}
