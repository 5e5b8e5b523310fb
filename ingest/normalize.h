/* normalize.h - identity attributes (e-mail, phone, name, address, document,
 * photo hash, payout holder, URL) brought to one written form, so that the same
 * value written differently compares equal (README "Attribute normalisation").
 *
 * Used by the loader of the `attributes` table (account_id, kind, value, ts,
 * source): two accounts share an attribute when the normalised values of one
 * kind are byte-equal. The rules are deliberately light and documented, not a
 * geocoder, a phone-number database or a name matcher: each rule only removes
 * differences of writing, never of content, because a false merge joins two
 * innocent people. Every function is pure (no global state, no locale, no I/O)
 * and thread-safe; input is UTF-8 and never read past its length.
 *
 * Rules of normalize_value, by kind (values are first checked as UTF-8: invalid
 * UTF-8 is -1 "invalid UTF-8", a NUL character -1 "NUL character in value"):
 *
 * email - ASCII spaces and tabs trimmed; ASCII lower-cased (other bytes kept);
 *   exactly one '@' ("no @ in email", "more than one @ in email"); no space or
 *   control character inside; a non-empty local part; a domain with a dot that
 *   neither starts nor ends with one and holds no "..". "+tag" is cut from the
 *   local part for every domain (the tag is the rest of the local part from its
 *   first '+'). googlemail.com becomes gmail.com, and for gmail.com the dots of
 *   the local part are removed. A local part empty after these steps is -1.
 *   "John.Smith+x@GoogleMail.com" -> "johnsmith@gmail.com".
 *
 * phone - Unicode compatibility folding first (NFKD with utf8proc's lumping:
 *   full-width digits become ASCII, no-break spaces and dashes plain ones);
 *   spaces and tabs trimmed; a "tel:" prefix dropped. An extension is cut off:
 *   from "ext", "extension", "x" or '#' (any case) that follows at least one
 *   digit, when only digits (and spaces, after an optional '.' or ':') follow
 *   it; other text after the number is -1. Spaces, '-', '.', '/', '(' and ')'
 *   are dropped, and so is a "(0)" after the first digit (the national trunk
 *   prefix written into an international number, "+44 (0)20 ..."); any other
 *   character is -1. A leading '+' or "00" means international: the digits
 *   that follow start with the calling code. For countries of the
 *   North American plan (calling code 1), "011" is the international prefix
 *   too. Otherwise the number is national: with a known `country` (ISO 3166-1
 *   alpha-2, any case; a built-in table of every assigned code and XK) one
 *   trunk prefix is dropped - '0' in general, '8' for RU and KZ, none for IT,
 *   SM and VA (their leading 0 is part of the number), and for calling code 1
 *   a leading '1' of an 11-digit number - and the calling code is prefixed.
 *   Output "+<digits>"; with no or an unknown country and no international
 *   prefix, just "<digits>" (no '+': the calling code is unknown, so such a
 *   value only equals the same national digits). 7 to 15 digits in the output
 *   or -1 ("too few digits for a phone number", "too many ...").
 *   "(202) 555-0101 ext. 7" with country US -> "+12025550101".
 *
 * name, payout_holder - Unicode NFKD with compatibility mapping (utf8proc),
 *   default-ignorable characters removed, then combining marks stripped where
 *   they decorate a Latin, Greek or Cyrillic letter (and Arabic short-vowel
 *   marks U+064B-U+0652, which are optional in writing) - other scripts keep
 *   their marks, which there spell different letters - then full Unicode
 *   case-folding ("ß" -> "ss"). Apostrophes (' ` U+2018 U+2019 U+02BC) are
 *   removed ("O'Brien" -> "obrien"); every other character that is not a
 *   letter, mark or digit separates tokens ("Jean-Luc" -> "jean luc",
 *   "J.R.R." -> "j r r"). The tokens mr mrs ms mx miss dr prof sir jr sr ii iii
 *   iv are dropped. Non-Latin scripts are kept, case-folded. The remaining
 *   tokens are sorted byte-wise and joined by single spaces, so given/family
 *   order does not matter: "Smith, John" == "Dr. John SMITH" == "john smith".
 *   No tokens left is 0 (blank).
 *
 * address, shipping_address - the same Unicode folding as names; apostrophes
 *   removed; '#' becomes the token "apartment" unless the token before it is
 *   already apartment, suite, unit, room, floor or building ("Apt #3" and "#3"
 *   are both "apartment 3"); every other character that is not a letter, mark
 *   or digit separates tokens. Token order is KEPT. Whole tokens are expanded:
 *   st street, ave av avenue, rd road, blvd boulevard, dr drive, ln lane,
 *   ct court, pl place, sq square, hwy highway, pkwy parkway, apt apartment,
 *   ste suite, fl floor, bldg building, n s e w north south east west, ne nw
 *   se sw northeast northwest southeast southwest, and the token pairs "n e",
 *   "n w", "s e", "s w" ("N.W.") the same compounds; the country written usa, or
 *   as the tokens "u s a" or "u s" ("U.S.A.", "U.S."), becomes "united states"
 *   (a bare "us" is left alone: it is also a word). "St" is always "street",
 *   never "saint". A country written after the postcode - a final ISO 3166-1
 *   alpha-2 code, "usa" or "u s [a]" following a token with a digit - is
 *   dropped ("TX 97962, US" -> "tx 97962"): exports write it on some rows only;
 *   a state code after a city name ("Springfield, MA") is kept.
 *   "12 Main St., Apt #3" -> "12 main street apartment 3".
 *
 * document - the same compatibility folding as phones; ASCII letters upper-cased and digits kept;
 * spaces, tabs, '-', '.', '/' and '_' dropped; anything else is -1. At least 4 characters remain,
 * else -1. "ab-123 456" -> "AB123456".
 *
 * photo_hash - trimmed; an optional "0x"/"0X" prefix; exactly 16 hex digits,
 *   returned lower-case; else -1 "photo hash must be 16 hex digits".
 *
 * url - trimmed; no space or control inside. A scheme ("https://") is
 *   lower-cased and dropped, so is user information ("user:pass@"); the host is
 *   lower-cased (ASCII), loses one trailing '.', a leading "www." and the port
 *   :80 or :443 (both defaults of the web schemes that were dropped); the query
 *   ('?...') and fragment ('#...') are dropped, and so are trailing '/'s. The
 *   path keeps its case, except on github.com, gitlab.com, bitbucket.org and
 *   linkedin.com (and their subdomains), where it is lower-cased because
 *   those sites treat user names case-insensitively. An empty host is -1.
 *   "HTTPS://www.GitHub.com/JSmith/?tab=repos" -> "github.com/jsmith".
 *
 * other - NFC, Unicode case-folding; whitespace runs become one ' ', trimmed.
 *
 * Ownership: every function writes into caller-owned memory or returns
 * borrowed static strings.
 */
#ifndef RINGSCAN_NORMALIZE_H
#define RINGSCAN_NORMALIZE_H

#include "base/error.h"
#include "model/attrs.h"

#include <stddef.h>
#include <stdint.h>

/* The longest value normalize_value accepts, in bytes: longer input is -1
 * "too long" whatever outlen is (bounds the work done on hostile input). */
#define NORMALIZE_MAX_INPUT 4096

/* The kind named by s[0..n): compared ignoring ASCII case, surrounding spaces
 * and the characters ' ', '-', '_' and '.' ("E-Mail" = "e_mail" = "email").
 * Each kind's name (normalize_kind_name) and these aliases are known:
 *   email: mail, e_mail, email_address
 *   phone: mobile, phone_number, telephone, tel, cell, cellphone, mobile_number, msisdn
 *   name: full_name, legal_name, real_name, person_name
 *   address: street_address, home_address, postal_address, residential_address,
 *     billing_address
 *   shipping_address: ship_to, delivery_address, shipping
 *   document: passport, id_document, document_hash, document_number,
 *     passport_number, id_number, national_id
 *   photo_hash: avatar_hash, phash, profile_photo_hash, image_hash, selfie_hash
 *   payout_holder: bank_holder, account_holder, holder_name,
 *     bank_account_holder, beneficiary_name
 *   url: website, portfolio, github, gitlab, linkedin, homepage, profile_url, site
 * Anything else is ATTR_OTHER. O(number of aliases). */
attr_kind normalize_kind(const char *s, size_t n);

/* The canonical name of k (attrs_kind_name): "email", "phone", "name",
 * "address", "shipping_address", "document", "photo_hash", "payout_holder",
 * "url", "other" ("other" for an out-of-range k too). Borrowed static string. */
const char *normalize_kind_name(attr_kind k);

/* Writes the normalised form of v[0..n) of kind k (rules above) into out,
 * outlen bytes, NUL-terminated. country is the account's claimed ISO 3166-1
 * alpha-2 code or "" (or NULL); only phones use it. Returns the length written
 * (> 0); 0 when the value is empty or blank after normalisation (out is then
 * ""); -1 when it is malformed for its kind, with a short reason as err's
 * message, code RS_E_VALUE ("too long" when the result would not fit in
 * outlen or n exceeds NORMALIZE_MAX_INPUT). On -1 out holds "" when
 * outlen > 0. Never reads past v + n, never writes past out + outlen; err
 * may be NULL. Allocates scratch
 * memory for the Unicode kinds (freed before returning; aborts on OOM like
 * every xmalloc). O(n log n) for names (the token sort), O(n) otherwise. */
int normalize_value(attr_kind k, const char *v, size_t n, const char *country, char *out,
                    size_t outlen, rs_error *err);

/* A name (ATTR_NAME or ATTR_PAYOUT_HOLDER) in the order written, for callers
 * that need the family name. Same normalisation as ATTR_NAME, except that the tokens
 * keep their order, and when a ',' follows at least one token and other
 * (non-honorific) tokens follow it, the part before the first ',' is moved to
 * the end ("Smith, John Paul" -> "john paul smith"), so that the last token is
 * the family name as far as the writing tells. Same return convention as
 * normalize_value. */
int normalize_name_tokens(const char *v, size_t n, char *out, size_t outlen, rs_error *err);

/* The family-name guess of a normalize_name_tokens result s[0..n): its last
 * token. Returns a pointer into s and sets *len, or NULL (*len = 0) when s is
 * empty. Meaningless on the sorted ATTR_NAME form. O(n). */
const char *normalize_name_family(const char *s, size_t n, size_t *len);

/* For a normalised ATTR_EMAIL value: 1 when its domain (after the last '@'),
 * or a parent domain of it, is in the built-in disposable-domain list
 * (datasets/disposable-domains.txt), else 0. "x@mailinator.com" and
 * "x@eu.mailinator.com" are disposable, "x@notmailinator.com" is not.
 * O(labels * log entries). */
int normalize_email_disposable(const char *email, size_t n);

/* Parses the normalised 16-hex photo hash s[0..n) (lower- or upper-case, no
 * prefix) into *out. Returns 0, or -1 (and *out untouched) when s is not
 * exactly 16 hex digits. */
int normalize_photo_hash(const char *s, size_t n, uint64_t *out);

/* 1 when the normalised names a and b (ATTR_NAME or ATTR_PAYOUT_HOLDER forms,
 * sorted or not: only the multiset of tokens counts) denote the same person
 * beyond normalisation, else 0:
 *   1. their token multisets are equal and non-empty; or
 *   2. pairing tokens first exactly (equal tokens), then by initials (a
 *      one-character token with a still unpaired token of the other name of at
 *      least two characters that begins with the same character; initials taken
 *      in byte order, each with the first fitting candidate in byte order),
 *      every token of the name with fewer tokens (of both when the counts are
 *      equal) is paired, there are at least 2 pairs, and at least one pair is
 *      an exact pair of tokens of two or more characters.
 * So "john smith" matches "john paul smith" (middle name dropped) and
 * "j smith" (initial), and "j p smith" matches "john paul smith"; "john smith"
 * does not match "jane smith", "smith" or "john"; "j smith" also matches
 * "jane smith" (an initial cannot tell). Names of more than 32 tokens match
 * only when byte-equal. O(t^2) in the number of tokens t. */
int normalize_names_match(const char *a, size_t an, const char *b, size_t bn);

/* A display name as a name the account gives (docs/detection.md, "Identity and
 * text"): the ATTR_NAME normalisation of v[0..n) when it names a person, written
 * to out like normalize_value's result. It does not, and 0 is returned (out ""),
 * when it is a placeholder - an email address or a web address (an '@', "://" or
 * "www."), a handle with a digit in a token ("user123", "dev_2024"), a single token
 * ("freelancer", "Madonna"), or words platforms and people use instead of a name
 * ("web developer", "top rated", "anonymous user": the list is in normalize.c) -
 * or a business (attrs_business_name: "Pixel Studio", "Acme Solutions Ltd"). -1
 * as normalize_value for malformed text. Same cost as normalize_value. */
int normalize_display_name(const char *v, size_t n, char *out, size_t outlen, rs_error *err);

/* The version of the Unicode library the rules use (utf8proc), for run.json. */
const char *normalize_library_version(void);

#endif
