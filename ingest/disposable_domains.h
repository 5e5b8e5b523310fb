/* disposable_domains.h - the built-in list of disposable e-mail domains, behind
 * normalize_email_disposable (ingest/normalize.h).
 *
 * The list is data, not code: datasets/disposable-domains.txt holds one domain
 * per line. At build time datasets/disposable-domains.awk turns it into
 * $(BUILD)/gen/disposable_domains.c, which defines the function below, so the
 * program never reads the text file. The generator refuses a malformed file
 * (a bad domain name, an unsorted or duplicate line) naming file and line,
 * which gives the table's invariants: lower-case ASCII domains of at least two
 * labels, sorted byte-wise ascending (strcmp order), no duplicates, at least
 * one entry.
 */
#ifndef RINGSCAN_DISPOSABLE_DOMAINS_H
#define RINGSCAN_DISPOSABLE_DOMAINS_H

#include <stddef.h>

/* The table, *n entries long (n > 0). Returns a borrowed pointer to static
 * storage that lives as long as the program; never fails. O(1). */
const char *const *disposable_domains_table(size_t *n);

#endif
