/* hosting_asns.h - the built-in list of hosting, VPN, proxy and Tor-exit
 * networks: the default of detect_params.anon_asns.
 *
 * The list is data, not code: datasets/hosting-asns.csv holds one row per
 * autonomous system with its kind, its organisation as the public IP-to-ASN
 * data names it and the basis of its classification (datasets/README.md,
 * "Hosting and VPN networks", says how to update it). At build time
 * datasets/hosting-asns.awk turns the CSV into $(BUILD)/gen/hosting_asns.c,
 * which defines the function below, so the program never reads the CSV. The
 * generator refuses a malformed file (non-numeric, private, unsorted or
 * duplicate ASNs) naming file and line, which gives the table's invariants:
 * sorted ascending, no duplicates, no zero, at most DETECT_MAX_LIST entries.
 */
#ifndef RINGSCAN_HOSTING_ASNS_H
#define RINGSCAN_HOSTING_ASNS_H

#include <stddef.h>
#include <stdint.h>

/* The table, *n entries long (n > 0). Returns a borrowed pointer to static
 * storage that lives as long as the program; never fails. O(1). */
const uint32_t *hosting_asns_table(size_t *n);

#endif
