/* amount.h - money amounts as exports write them (README "Amounts").
 *
 * Accepted: plain decimals ("850", "850.00", "1e3"); a currency symbol
 * ($ € £ ¥ ₹ ₽ ₩ ₺ ₪ ₫ ₱ ₦ ₴ ₿) or an ISO 4217-shaped code (three capitals)
 * before or after the number, with or without a space ("$1,250.00",
 * "1.250,00 EUR", "USD 850"); thousands separators (',' '.' ' ' or '\'', in
 * groups of three) and a decimal point or comma:
 *   - with both '.' and ',', the last one is the decimal separator;
 *   - one kind repeated ("1,250,000") is grouping;
 *   - a single ',' or '.' followed by exactly three digits after a one- to
 *     three-digit integer part ("1,250", "12.500") could be either: refused
 *     as ambiguous;
 *   - any other single ',' or '.' is the decimal separator ("12,5", "0.125").
 * Refused: negative amounts, letters other than the currency, bad grouping.
 */
#ifndef RINGSCAN_AMOUNT_H
#define RINGSCAN_AMOUNT_H

#include "base/error.h"

#include <stddef.h>

/* Parses s[0..n). Returns 0 with *out set, or -1 with err's message (code
 * RS_E_VALUE) naming the cause and, where there is one, the fix; err may be
 * NULL. */
int amount_parse(const char *s, size_t n, double *out, rs_error *err);

#endif
