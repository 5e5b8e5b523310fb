/* country.h - country values to ISO 3166-1 alpha-2.
 *
 * Alpha-2 codes are taken as they are (any case). Alpha-3 codes and English
 * names (ISO's short name, official name and common name, e.g. "USA",
 * "United States", "Viet Nam", "Vietnam") come from the Debian iso-codes
 * package (/usr/share/iso-codes/json/iso_3166-1.json, read once, on first
 * need); short names exports use that ISO does not list ("UK", "Russia",
 * "Turkey", "UAE", "Ivory Coast") come from one alias table in country.c.
 * Names match whatever their case, punctuation and accents. A table, not a
 * guess: a name for more than one country ("Congo", "Korea") is refused as
 * ambiguous, anything else unknown as not a country.
 */
#ifndef RINGSCAN_COUNTRY_H
#define RINGSCAN_COUNTRY_H

#include "base/error.h"

#include <stddef.h>

#define COUNTRY_ISO_CODES_FILE "/usr/share/iso-codes/json/iso_3166-1.json"

/* Writes the alpha-2 code (upper case, NUL-terminated) of s[0..n) into cc.
 * Returns 0, or -1 with the reason as err's message (code RS_E_VALUE; err may
 * be NULL). Thread-safe. */
int country_parse(const char *s, size_t n, char cc[3], rs_error *err);

#endif
