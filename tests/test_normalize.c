/* test_normalize.c - identity attributes to one written form: each kind's rule
 * with values that must become equal, values that must stay apart (different
 * people), refusals with their reasons, boundaries (lengths, outlen, empty
 * and blank values, invalid UTF-8), kind names and aliases, the disposable
 * domain list, photo hashes and name matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ingest/normalize.h"

/* The normalised form of s, "" for blank, or "!" followed by the reason. */
static const char *norm_cc(attr_kind k, const char *s, const char *country)
{
    static char buf[512];
    char out[256];
    rs_error why = {0};
    memset(out, 'Z', sizeof out);
    int rc = normalize_value(k, s, strlen(s), country, out, sizeof out, &why);
    if (rc < 0) {
        assert_int_equal(why.code, RS_E_VALUE);
        assert_string_equal(out, "");
        snprintf(buf, sizeof buf, "!%.500s", why.msg);
    } else {
        assert_int_equal((size_t)rc, strlen(out));
        snprintf(buf, sizeof buf, "%s", out);
    }
    return buf;
}

static const char *norm(attr_kind k, const char *s)
{
    return norm_cc(k, s, "");
}

/* 1 when a and b of kind k normalise to the same non-empty value. */
static int same(attr_kind k, const char *a, const char *b, const char *country)
{
    char x[512];
    snprintf(x, sizeof x, "%s", norm_cc(k, a, country));
    const char *y = norm_cc(k, b, country);
    return x[0] && x[0] != '!' && strcmp(x, y) == 0;
}

static void test_normalize__kinds(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        attr_kind k;
    } cases[] = {
        {"email", ATTR_EMAIL},
        {"E-Mail", ATTR_EMAIL},
        {" mail ", ATTR_EMAIL},
        {"mobile", ATTR_PHONE},
        {"Phone_Number", ATTR_PHONE},
        {"telephone", ATTR_PHONE},
        {"full_name", ATTR_NAME},
        {"legal name", ATTR_NAME},
        {"street_address", ATTR_ADDRESS},
        {"home_address", ATTR_ADDRESS},
        {"ship_to", ATTR_SHIPPING_ADDRESS},
        {"delivery_address", ATTR_SHIPPING_ADDRESS},
        {"shipping_address", ATTR_SHIPPING_ADDRESS},
        {"passport", ATTR_DOCUMENT},
        {"id_document", ATTR_DOCUMENT},
        {"document_hash", ATTR_DOCUMENT},
        {"avatar_hash", ATTR_PHOTO_HASH},
        {"pHash", ATTR_PHOTO_HASH},
        {"profile_photo_hash", ATTR_PHOTO_HASH},
        {"bank_holder", ATTR_PAYOUT_HOLDER},
        {"account_holder", ATTR_PAYOUT_HOLDER},
        {"holder_name", ATTR_PAYOUT_HOLDER},
        {"website", ATTR_URL},
        {"portfolio", ATTR_URL},
        {"GitHub", ATTR_URL},
        {"favourite_colour", ATTR_OTHER},
        {"", ATTR_OTHER},
        {"emailx", ATTR_OTHER},
        {"a_very_long_kind_name_that_is_not_any_alias_at_all", ATTR_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (normalize_kind(cases[i].s, strlen(cases[i].s)) != cases[i].k)
            fail_msg("kind '%s' read as %s", cases[i].s,
                     normalize_kind_name(normalize_kind(cases[i].s, strlen(cases[i].s))));
    /* Every canonical name reads back as its kind. */
    for (int k = 0; k < ATTR_KIND_COUNT; k++) {
        const char *name = normalize_kind_name((attr_kind)k);
        assert_int_equal(normalize_kind(name, strlen(name)), k);
    }
    assert_string_equal(normalize_kind_name(ATTR_SHIPPING_ADDRESS), "shipping_address");
    assert_string_equal(normalize_kind_name(ATTR_PAYOUT_HOLDER), "payout_holder");
    assert_string_equal(normalize_kind_name(ATTR_KIND_COUNT), "other");
    /* The length argument is honoured: "email" inside "emails". */
    assert_int_equal(normalize_kind("emails", 5), ATTR_EMAIL);
}

static void test_normalize__email(void **state)
{
    (void)state;
    assert_string_equal(norm(ATTR_EMAIL, "  John.Smith@Company.COM "), "john.smith@company.com");
    assert_string_equal(norm(ATTR_EMAIL, "john.smith+ads@company.com"), "john.smith@company.com");
    assert_string_equal(norm(ATTR_EMAIL, "J.O.H.N.Smith+x+y@GoogleMail.com"),
                        "johnsmith@gmail.com");
    assert_string_equal(norm(ATTR_EMAIL, "johnsmith@gmail.com"), "johnsmith@gmail.com");
    /* dots matter outside gmail */
    assert_string_equal(norm(ATTR_EMAIL, "j.smith@outlook.com"), "j.smith@outlook.com");
    assert_false(same(ATTR_EMAIL, "j.smith@outlook.com", "jsmith@outlook.com", ""));
    /* different people at one company stay apart */
    assert_false(same(ATTR_EMAIL, "john.smith@company.com", "jane.doe@company.com", ""));
    assert_true(same(ATTR_EMAIL, "John.Smith@company.com", "john.smith+x@COMPANY.com", ""));
    /* non-ASCII bytes are kept as they are */
    assert_string_equal(norm(ATTR_EMAIL, "J\xC3\xB6rg@Example.de"), "j\xC3\xB6rg@example.de");
    /* refusals */
    assert_string_equal(norm(ATTR_EMAIL, "john.smith.company.com"), "!no @ in email");
    assert_string_equal(norm(ATTR_EMAIL, "a@b@c.com"), "!more than one @ in email");
    assert_string_equal(norm(ATTR_EMAIL, "@company.com"), "!empty local part in email");
    assert_string_equal(norm(ATTR_EMAIL, "+tag@company.com"), "!empty local part in email");
    assert_string_equal(norm(ATTR_EMAIL, "...@gmail.com"), "!empty local part in email");
    assert_string_equal(norm(ATTR_EMAIL, "john@localhost"),
                        "!email domain must hold a dot, not at its ends");
    assert_string_equal(norm(ATTR_EMAIL, "john@"),
                        "!email domain must hold a dot, not at its ends");
    assert_string_equal(norm(ATTR_EMAIL, "john@.com"),
                        "!email domain must hold a dot, not at its ends");
    assert_string_equal(norm(ATTR_EMAIL, "john@a..com"), "!\"..\" in email domain");
    assert_string_equal(norm(ATTR_EMAIL, "john smith@a.com"),
                        "!space or control character in email");
    assert_string_equal(norm(ATTR_EMAIL, "   "), "");
    assert_string_equal(norm(ATTR_EMAIL, ""), "");
}

static void test_normalize__disposable(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "x@mailinator.com",    "x@eu.mailinator.com", "x@guerrillamail.com", "x@10minutemail.com",
        "x@temp-mail.org",     "x@yopmail.com",       "x@sharklasers.com",   "x@maildrop.cc",
        "x@a.b.trashmail.com", "mailinator.com"};
    static const char *const no[] = {"x@notmailinator.com",
                                     "x@mailinator.com.evil.org",
                                     "x@gmail.com",
                                     "x@company.com",
                                     "x@com",
                                     "x@",
                                     "mailinator@gmail.com",
                                     ""};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (normalize_email_disposable(yes[i], strlen(yes[i])) != 1)
            fail_msg("%s not disposable", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (normalize_email_disposable(no[i], strlen(no[i])) != 0)
            fail_msg("%s disposable", no[i]);
    /* the length is honoured: no reading past n */
    assert_int_equal(normalize_email_disposable("x@yopmail.comxyz", 13), 1);
    assert_int_equal(normalize_email_disposable("x@yopmail.com", 12), 0);
}

static void test_normalize__phone(void **state)
{
    (void)state;
    assert_string_equal(norm_cc(ATTR_PHONE, "(202) 555-0101", "US"), "+12025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "1 202 555 0101", "us"), "+12025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "+1 202.555.0101", "GB"), "+12025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "001 202 555 0101", ""), "+12025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "011 44 20 7946 0958", "CA"), "+442079460958");
    assert_string_equal(norm_cc(ATTR_PHONE, "202-555-0101 ext. 42", "US"), "+12025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "202-555-0101 x42", "US"), "+12025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "202-555-0101 #42", "US"), "+12025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "tel:+12025550101", ""), "+12025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "020 7946 0958", "GB"), "+442079460958");
    assert_string_equal(norm_cc(ATTR_PHONE, "+44 (0)20 7946 0958", ""), "+442079460958");
    assert_string_equal(norm_cc(ATTR_PHONE, "0044 20 7946 0958", "DE"), "+442079460958");
    assert_string_equal(norm_cc(ATTR_PHONE, "06 1234 5678", "IT"), "+390612345678");
    assert_string_equal(norm_cc(ATTR_PHONE, "8 (495) 123-45-67", "RU"), "+74951234567");
    assert_string_equal(norm_cc(ATTR_PHONE, "0191 234 5678", "KP"), "+8501912345678");
    assert_string_equal(norm_cc(ATTR_PHONE, "138 0013 8000", "CN"), "+8613800138000");
    /* full-width digits and a no-break space */
    assert_string_equal(norm_cc(ATTR_PHONE,
                                "\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x90\xC2\xA0"
                                "7946 0958",
                                "GB"),
                        "+442079460958");
    /* no country, no international prefix: digits only */
    assert_string_equal(norm_cc(ATTR_PHONE, "202-555-0101", ""), "2025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "202-555-0101", NULL), "2025550101");
    assert_string_equal(norm_cc(ATTR_PHONE, "202-555-0101", "QQ"), "2025550101");
    /* different numbers stay apart */
    assert_false(same(ATTR_PHONE, "+1 202 555 0101", "+44 20 5550 1010", ""));
    assert_true(same(ATTR_PHONE, "+1 202 555 0101", "(202) 555-0101", "US"));
    /* boundaries: 7 and 15 digits */
    assert_string_equal(norm_cc(ATTR_PHONE, "1234567", ""), "1234567");
    assert_string_equal(norm_cc(ATTR_PHONE, "123456", ""), "!too few digits for a phone number");
    assert_string_equal(norm_cc(ATTR_PHONE, "+123456789012345", ""), "+123456789012345");
    assert_string_equal(norm_cc(ATTR_PHONE, "+1234567890123456", ""),
                        "!too many digits for a phone number");
    assert_string_equal(norm_cc(ATTR_PHONE, "1234567890123456789012345678901234567890123", ""),
                        "!too many digits for a phone number");
    assert_string_equal(norm_cc(ATTR_PHONE, "555 01", "US"), "!too few digits for a phone number");
    assert_string_equal(norm_cc(ATTR_PHONE, "()-", "US"), "!too few digits for a phone number");
    /* refusals */
    assert_string_equal(norm_cc(ATTR_PHONE, "1-800-FLOWERS", "US"), "!letters in a phone number");
    assert_string_equal(norm_cc(ATTR_PHONE, "202 555 0101 x call", "US"),
                        "!unexpected text after a phone number");
    assert_string_equal(norm_cc(ATTR_PHONE, "202+555", "US"),
                        "!unexpected character in a phone number");
    assert_string_equal(norm_cc(ATTR_PHONE, "+0 202 555 0101", ""),
                        "!calling code cannot start with 0");
    assert_string_equal(norm_cc(ATTR_PHONE, "  ", "US"), "");
}

static void test_normalize__name(void **state)
{
    (void)state;
    assert_string_equal(norm(ATTR_NAME, "John Smith"), "john smith");
    assert_string_equal(norm(ATTR_NAME, "Smith, John"), "john smith");
    assert_string_equal(norm(ATTR_NAME, "  Dr.  JOHN   smith, Jr. "), "john smith");
    assert_string_equal(norm(ATTR_NAME, "Seán O'Brien"), "obrien sean");
    assert_string_equal(norm(ATTR_NAME, "Sean O\xE2\x80\x99"
                                        "Brien"),
                        "obrien sean"); /* U+2019 */
    assert_string_equal(norm(ATTR_NAME, "Jean-Luc Picard"), "jean luc picard");
    assert_string_equal(norm(ATTR_NAME, "J\xC3\xBCrgen Stra\xC3\x9F"
                                        "e"),
                        "jurgen strasse");                        /* ü, ß */
    assert_string_equal(norm(ATTR_NAME, "Jo\xCC\x88rg"), "jorg"); /* o + combining diaeresis */
    assert_string_equal(norm(ATTR_NAME, "\xEF\xBC\xAA\xEF\xBD\x8F\xEF\xBD\x8E"),
                        "jon"); /* full-width */
    assert_string_equal(norm(ATTR_NAME, "Ms Miss Mrs Mr Mx Prof Sir II III IV Sr Ann"), "ann");
    /* Cyrillic and Greek: case-folded, accents stripped */
    assert_string_equal(norm(ATTR_NAME, "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD"), /* Иван */
                        "\xD0\xB8\xD0\xB2\xD0\xB0\xD0\xBD");
    assert_string_equal(norm(ATTR_NAME, "\xCE\x86\xCE\xBD\xCE\xBD\xCE\xB1"), /* Άννα */
                        "\xCE\xB1\xCE\xBD\xCE\xBD\xCE\xB1");
    /* CJK kept; Devanagari keeps its vowel signs (they are letters there) */
    assert_string_equal(norm(ATTR_NAME, "\xE7\x8E\x8B \xE5\xB0\x8F\xE6\x98\x8E"),
                        "\xE5\xB0\x8F\xE6\x98\x8E \xE7\x8E\x8B");
    assert_string_equal(norm(ATTR_NAME, "\xE0\xA4\x95\xE0\xA4\xBF"), "\xE0\xA4\x95\xE0\xA4\xBF");
    assert_false(same(ATTR_NAME, "\xE0\xA4\x95\xE0\xA4\xBF", "\xE0\xA4\x95\xE0\xA4\xBE", ""));
    /* different people stay apart */
    assert_false(same(ATTR_NAME, "John Smith", "Jane Smith", ""));
    assert_false(same(ATTR_NAME, "John Smith", "John Smyth", ""));
    /* payout holders follow the name rule */
    assert_string_equal(norm(ATTR_PAYOUT_HOLDER, "SMITH JOHN"), "john smith");
    /* blank after normalisation */
    assert_string_equal(norm(ATTR_NAME, "Mr."), "");
    assert_string_equal(norm(ATTR_NAME, " - , . "), "");
    assert_string_equal(norm(ATTR_NAME, ""), "");
}

static const char *tokens_of(const char *s)
{
    static char out[128];
    static rs_error why;
    if (normalize_name_tokens(s, strlen(s), out, sizeof out, &why) < 0)
        return why.msg;
    return out;
}

static void test_normalize__name_tokens_and_family(void **state)
{
    (void)state;
    assert_string_equal(tokens_of("John Paul Smith"), "john paul smith");
    assert_string_equal(tokens_of("Smith, John Paul"), "john paul smith");
    assert_string_equal(tokens_of("Dr. John Smith, Jr."), "john smith");
    assert_string_equal(tokens_of("Smith,"), "smith");
    assert_string_equal(tokens_of(", John"), "john");
    assert_string_equal(tokens_of("Van der Berg, Anna"), "anna van der berg");
    assert_string_equal(tokens_of("\xFF"), "invalid UTF-8");
    size_t len = 0;
    const char *s = "john paul smith";
    const char *f = normalize_name_family(s, strlen(s), &len);
    assert_non_null(f);
    assert_int_equal(len, 5);
    assert_memory_equal(f, "smith", 5);
    f = normalize_name_family("cher", 4, &len);
    assert_int_equal(len, 4);
    assert_memory_equal(f, "cher", 4);
    assert_null(normalize_name_family("", 0, &len));
    assert_int_equal(len, 0);
}

static int match(const char *a, const char *b)
{
    int x = normalize_names_match(a, strlen(a), b, strlen(b));
    assert_int_equal(x, normalize_names_match(b, strlen(b), a, strlen(a))); /* symmetric */
    return x;
}

static void test_normalize__names_match(void **state)
{
    (void)state;
    assert_true(match("john smith", "john smith"));
    assert_true(match("john smith", "smith john"));
    assert_true(match("cher", "cher"));
    assert_true(match("john smith", "john paul smith")); /* middle name dropped */
    assert_true(match("j smith", "john smith"));         /* initial */
    assert_true(match("j p smith", "john paul smith"));
    assert_true(match("john p smith", "john paul smith"));
    assert_true(match("j smith", "jane smith")); /* documented: an initial cannot tell */
    assert_false(match("john smith", "jane smith"));
    assert_false(match("john smith", "smith"));
    assert_false(match("john smith", "john"));
    assert_false(match("j s", "john smith")); /* no full token in common */
    assert_true(match("j smith", "john paul smith"));
    assert_false(match("john smith", "john doe"));
    assert_false(match("", ""));
    assert_false(match("john", ""));
    assert_false(match("anna maria garcia", "anna lopez garcia"));
}

static void test_normalize__address(void **state)
{
    (void)state;
    assert_string_equal(norm(ATTR_ADDRESS, "12 Main St., Apt #3"), "12 main street apartment 3");
    assert_string_equal(norm(ATTR_ADDRESS, "12 MAIN STREET APARTMENT 3"),
                        "12 main street apartment 3");
    assert_string_equal(norm(ATTR_ADDRESS, "12 Main St #3"), "12 main street apartment 3");
    assert_string_equal(norm(ATTR_ADDRESS, "12 Main St Ste #3"), "12 main street suite 3");
    assert_string_equal(norm(ATTR_ADDRESS, "500 N.W. 3rd Ave, Fl 2, Bldg B"),
                        "500 northwest 3rd avenue floor 2 building b");
    assert_string_equal(norm(ATTR_ADDRESS, "7 S Main St"), "7 south main street");
    assert_string_equal(norm(ATTR_ADDRESS, "7 S. E. Main"), "7 southeast main");
    assert_string_equal(norm(ATTR_ADDRESS, "1 NW Pkwy, Hwy 9 Rd Blvd Dr Ln Ct Pl Sq Av"),
                        "1 northwest parkway highway 9 road boulevard drive lane court place "
                        "square avenue");
    assert_string_equal(norm(ATTR_ADDRESS, "9 W E N Ne Nw Se Sw Lane"),
                        "9 west east north northeast northwest southeast southwest lane");
    assert_string_equal(norm(ATTR_ADDRESS, "1 Elm St, Springfield, U.S.A."),
                        "1 elm street springfield united states");
    assert_string_equal(norm(ATTR_ADDRESS, "1 Elm St, Springfield, USA"),
                        "1 elm street springfield united states");
    assert_string_equal(norm(ATTR_ADDRESS, "1 Elm St, Springfield, U.S."),
                        "1 elm street springfield united states");
    /* a country written after the postcode is dropped; a state after a city is not */
    assert_string_equal(norm(ATTR_ADDRESS, "2630 Washington Dr., Apt. 8D Austin, TX 97962, US"),
                        "2630 washington drive apartment 8d austin tx 97962");
    assert_true(same(ATTR_SHIPPING_ADDRESS, "2630 Washington Dr, Apt 8D Austin, TX 97962",
                     "2630 washington dr. apt 8d, austin, tx 97962, U.S.A.", ""));
    assert_true(same(ATTR_ADDRESS, "Keizersgracht 12, 1015 CX Amsterdam 1015, NL",
                     "Keizersgracht 12, 1015 CX Amsterdam 1015", ""));
    assert_string_equal(norm(ATTR_ADDRESS, "12 Main St, Springfield, MA"),
                        "12 main street springfield ma");
    assert_false(
        same(ATTR_ADDRESS, "12 Main St, Springfield, MA", "12 Main St, Springfield, IL", ""));
    assert_string_equal(norm(ATTR_ADDRESS, "PO Box 12 ZZ"), "po box 12 zz"); /* not a country */
    assert_string_equal(norm(ATTR_ADDRESS, "Rue de l'Église 5"), "rue de leglise 5");
    assert_string_equal(norm(ATTR_ADDRESS, "Stra\xC3\x9F"
                                           "e 1"),
                        "strasse 1");
    /* order is kept: these are different addresses */
    assert_false(same(ATTR_ADDRESS, "12 Main St 3", "3 Main St 12", ""));
    /* different flats in one building stay apart */
    assert_false(same(ATTR_ADDRESS, "12 Main St Apt 3", "12 Main St Apt 4", ""));
    assert_true(same(ATTR_SHIPPING_ADDRESS, "12 Main St Apt 3", "12 main street, #3", ""));
    assert_string_equal(norm(ATTR_ADDRESS, " ,.; "), "");
}

static void test_normalize__document(void **state)
{
    (void)state;
    assert_string_equal(norm(ATTR_DOCUMENT, "ab-123 456"), "AB123456");
    assert_string_equal(norm(ATTR_DOCUMENT, "AB.123.456"), "AB123456");
    assert_string_equal(norm(ATTR_DOCUMENT, "x/1_2\t3"), "X123");
    assert_string_equal(norm(ATTR_DOCUMENT, "\xEF\xBC\xA1\xEF\xBC\xA2" /* full-width AB */
                                            "12"),
                        "AB12");
    assert_string_equal(norm(ATTR_DOCUMENT, "A-12"), "!document number shorter than 4 characters");
    assert_string_equal(norm(ATTR_DOCUMENT, "AB12#"),
                        "!document number may hold only ASCII letters, digits and - . / _ spaces");
    assert_string_equal(norm(ATTR_DOCUMENT, "\xC3\x89"
                                            "1234"),
                        "!document number may hold only ASCII letters, digits and - . / _ spaces");
    assert_false(same(ATTR_DOCUMENT, "AB123456", "AB123457", ""));
    assert_string_equal(norm(ATTR_DOCUMENT, " - . "), "");
}

static void test_normalize__photo_hash(void **state)
{
    (void)state;
    assert_string_equal(norm(ATTR_PHOTO_HASH, "0xDEADBEEF01234567"), "deadbeef01234567");
    assert_string_equal(norm(ATTR_PHOTO_HASH, " deadbeef01234567 "), "deadbeef01234567");
    assert_string_equal(norm(ATTR_PHOTO_HASH, "deadbeef0123456"),
                        "!photo hash must be 16 hex digits");
    assert_string_equal(norm(ATTR_PHOTO_HASH, "deadbeef012345678"),
                        "!photo hash must be 16 hex digits");
    assert_string_equal(norm(ATTR_PHOTO_HASH, "deadbeef0123456g"),
                        "!photo hash must be 16 hex digits");
    assert_string_equal(norm(ATTR_PHOTO_HASH, "0x"), "!photo hash must be 16 hex digits");
    assert_string_equal(norm(ATTR_PHOTO_HASH, ""), "");
    uint64_t h = 0;
    assert_int_equal(normalize_photo_hash("deadbeef01234567", 16, &h), 0);
    assert_true(h == UINT64_C(0xdeadbeef01234567));
    assert_int_equal(normalize_photo_hash("FFFFFFFFFFFFFFFF", 16, &h), 0);
    assert_true(h == UINT64_MAX);
    h = 7;
    assert_int_equal(normalize_photo_hash("0xdeadbeef012345", 16, &h), -1);
    assert_int_equal(normalize_photo_hash("deadbeef01234567", 15, &h), -1);
    assert_true(h == 7);
}

static void test_normalize__url(void **state)
{
    (void)state;
    assert_string_equal(norm(ATTR_URL, "HTTPS://www.GitHub.com/JSmith/?tab=repos"),
                        "github.com/jsmith");
    assert_string_equal(norm(ATTR_URL, "github.com/jsmith"), "github.com/jsmith");
    assert_string_equal(norm(ATTR_URL, "http://Example.COM:80/Portfolio/#work"),
                        "example.com/Portfolio");
    assert_string_equal(norm(ATTR_URL, "https://example.com:443"), "example.com");
    assert_string_equal(norm(ATTR_URL, "https://example.com:8443/a"), "example.com:8443/a");
    assert_string_equal(norm(ATTR_URL, "https://user:pw@Example.com./x//"), "example.com/x");
    assert_string_equal(norm(ATTR_URL, "//www.example.com"), "example.com");
    assert_string_equal(norm(ATTR_URL, "https://uk.LinkedIn.com/in/JaneDoe"),
                        "uk.linkedin.com/in/janedoe");
    assert_string_equal(norm(ATTR_URL, "https://gitlab.com/A/B"), "gitlab.com/a/b");
    assert_string_equal(norm(ATTR_URL, "https://BitBucket.org/A"), "bitbucket.org/a");
    assert_string_equal(norm(ATTR_URL, "https://notgithub.com/A"), "notgithub.com/A");
    assert_string_equal(norm(ATTR_URL, "http://[2001:db8::1]:80/x"), "[2001:db8::1]/x");
    assert_false(same(ATTR_URL, "github.com/jsmith", "github.com/jsmith2", ""));
    assert_string_equal(norm(ATTR_URL, "https:///path"), "!no host in URL");
    assert_string_equal(norm(ATTR_URL, "https://:80/x"), "!no host in URL");
    assert_string_equal(norm(ATTR_URL, "https://user@/x"), "!no host in URL");
    assert_string_equal(norm(ATTR_URL, "https://a.com:8o/"), "!malformed port in URL");
    assert_string_equal(norm(ATTR_URL, "https://a.com/my page"),
                        "!space or control character in URL");
    assert_string_equal(norm(ATTR_URL, "   "), "");
}

static void test_normalize__other(void **state)
{
    (void)state;
    assert_string_equal(norm(ATTR_OTHER, "  Hello \t  WORLD\n "), "hello world");
    assert_string_equal(norm(ATTR_OTHER, "Caf\xC3\xA9"), "caf\xC3\xA9");
    assert_string_equal(norm(ATTR_OTHER, "CAFE\xCC\x81"), "caf\xC3\xA9"); /* NFC */
    assert_string_equal(norm(ATTR_OTHER, "A,B"), "a,b");
    assert_string_equal(norm(ATTR_OTHER, "\xC2\xA0\xE2\x80\x83"), "");
}

static void test_normalize__bounds(void **state)
{
    (void)state;
    rs_error why = {0};
    char out[16];
    /* invalid UTF-8 and NUL, every kind */
    for (int k = 0; k < ATTR_KIND_COUNT; k++) {
        why.code = 0;
        assert_int_equal(normalize_value((attr_kind)k, "ab\xC3", 3, "US", out, sizeof out, &why),
                         -1);
        assert_string_equal(why.msg, "invalid UTF-8");
        assert_int_equal(
            normalize_value((attr_kind)k, "a\xED\xA0\x80", 4, "", out, sizeof out, &why),
            -1); /* a surrogate */
        assert_int_equal(normalize_value((attr_kind)k, "a\0b", 3, "", out, sizeof out, &why), -1);
        assert_string_equal(why.msg, "NUL character in value");
        assert_int_equal(normalize_value((attr_kind)k, "", 0, "", out, sizeof out, &why), 0);
        assert_string_equal(out, "");
    }
    /* n is honoured: bytes past it are never read */
    assert_int_equal(normalize_value(ATTR_OTHER, "abc\xFF", 3, "", out, sizeof out, &why), 3);
    assert_string_equal(out, "abc");
    /* outlen: exact fit, one short, zero */
    const char *e = "abcdefghij@x.com"; /* 16 bytes: needs 17 */
    char big[17], small[16];
    memset(big, 'Z', sizeof big);
    assert_int_equal(normalize_value(ATTR_EMAIL, e, strlen(e), "", big, sizeof big, &why), 16);
    assert_string_equal(big, e);
    memset(small, 'Z', sizeof small);
    assert_int_equal(normalize_value(ATTR_EMAIL, e, strlen(e), "", small, sizeof small, &why), -1);
    assert_string_equal(why.msg, "too long");
    assert_string_equal(small, "");
    static const char *const inputs[ATTR_KIND_COUNT] = {
        "a@b.co", "+12025550101",     "Jo Li", "1 A St",  "1 A St",
        "AB1234", "0123456789abcdef", "Jo Li", "x.com/a", "some thing"};
    for (int k = 0; k < ATTR_KIND_COUNT; k++) {
        char o[64];
        int full =
            normalize_value((attr_kind)k, inputs[k], strlen(inputs[k]), "", o, sizeof o, &why);
        assert_true(full > 0);
        char tight[64];
        memset(tight, 'Z', sizeof tight);
        why.code = 0;
        if (normalize_value((attr_kind)k, inputs[k], strlen(inputs[k]), "", tight, (size_t)full,
                            &why) != -1)
            fail_msg("kind %d: fits in %d bytes", k, full);
        assert_string_equal(why.msg, "too long");
        assert_int_equal(tight[full], 'Z'); /* nothing past outlen */
        memset(tight, 'Z', sizeof tight);
        assert_int_equal(
            normalize_value((attr_kind)k, inputs[k], strlen(inputs[k]), "", tight, 0, &why), -1);
        assert_int_equal(tight[0], 'Z');
        assert_int_equal(normalize_value((attr_kind)k, inputs[k], strlen(inputs[k]), "", tight,
                                         (size_t)full + 1, NULL),
                         full);
    }
    /* longest input accepted, one byte more refused */
    static char longv[NORMALIZE_MAX_INPUT + 2];
    static char longo[NORMALIZE_MAX_INPUT + 2];
    memset(longv, 'a', sizeof longv - 1);
    assert_int_equal(
        normalize_value(ATTR_OTHER, longv, NORMALIZE_MAX_INPUT, "", longo, sizeof longo, &why),
        NORMALIZE_MAX_INPUT);
    assert_int_equal(
        normalize_value(ATTR_OTHER, longv, NORMALIZE_MAX_INPUT + 1, "", longo, sizeof longo, &why),
        -1);
    assert_string_equal(why.msg, "too long");
    /* a name that expands a lot under NFKD (U+FDFA, 18 code points) */
    char lig[3 * 100 + 1] = {0};
    for (int i = 0; i < 100; i++)
        memcpy(lig + 3 * i, "\xEF\xB7\xBA", 3);
    assert_int_equal(normalize_value(ATTR_NAME, lig, strlen(lig), "", out, sizeof out, &why), -1);
    assert_string_equal(why.msg, "too long");
}

/* The display name of s, normalised when it names a person, "" otherwise. */
static const char *display(const char *s)
{
    static char out[256];
    int rc = normalize_display_name(s, strlen(s), out, sizeof out, NULL);
    assert_true(rc >= 0);
    assert_int_equal((size_t)rc, strlen(out));
    return out;
}

/* A display name gives a name when it names a person, as a name attribute would be
 * normalised; placeholders (email or web addresses, handles with digits, one token,
 * job titles and platform defaults) and business names give none. */
static void test_normalize__display_name(void **state)
{
    (void)state;
    assert_string_equal(display("Jane Q. Doe"), "doe jane q");
    assert_string_equal(display("DOE, Jane"), "doe jane");
    assert_string_equal(display("John the Developer"), "developer john the");
    assert_string_equal(display("José García"), "garcia jose");
    static const char *const placeholders[] = {
        "user123",           "Freelancer",        "jane.doe@gmail.com", "Madonna",
        "dev_2024 smith",    "Web Developer",     "Top Rated Freelancer", "Anonymous User",
        "https://janedoe.dev", "www.janedoe.com", "   ",                "Senior Full Stack Dev",
    };
    for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++)
        assert_string_equal(display(placeholders[i]), "");
    static const char *const businesses[] = {"Pixel Studio", "Acme Solutions Ltd",
                                             "Northwind GmbH", "Bright Agency",
                                             "Sharma Digital LLC"};
    for (size_t i = 0; i < sizeof businesses / sizeof *businesses; i++)
        assert_string_equal(display(businesses[i]), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize__kinds),
        cmocka_unit_test(test_normalize__email),
        cmocka_unit_test(test_normalize__disposable),
        cmocka_unit_test(test_normalize__phone),
        cmocka_unit_test(test_normalize__name),
        cmocka_unit_test(test_normalize__display_name),
        cmocka_unit_test(test_normalize__name_tokens_and_family),
        cmocka_unit_test(test_normalize__names_match),
        cmocka_unit_test(test_normalize__address),
        cmocka_unit_test(test_normalize__document),
        cmocka_unit_test(test_normalize__photo_hash),
        cmocka_unit_test(test_normalize__url),
        cmocka_unit_test(test_normalize__other),
        cmocka_unit_test(test_normalize__bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
