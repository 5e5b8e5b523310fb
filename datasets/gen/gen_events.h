/* gen_events.h - streams the simulated marketplace's event tables.
 *
 * Given a built world, writes accounts, logins, bids, ratings, payouts, charges and ports
 * in ringscan's input contract, account by account, without keeping any event in memory.
 * While it writes, it records in each account's behaviour bits what its events actually
 * exhibit (for example a login from another country within hours, or a session of 24 h or
 * more), so the truth written afterwards describes the data as generated.
 */
#ifndef GEN_EVENTS_H
#define GEN_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "datasets/gen/gen_world.h"

enum {
    GEN_T_ACCOUNTS,
    GEN_T_LOGINS,
    GEN_T_BIDS,
    GEN_T_RATINGS,
    GEN_T_PAYOUTS,
    GEN_T_CHARGES,
    GEN_T_PORTS,
    GEN_T_COUNT
};

typedef struct gen_events_stats {
    uint64_t rows[GEN_T_COUNT];
    uint64_t total;
    uint64_t attr_rows; /* attributes.csv (--identity), not counted in total */
} gen_events_stats;

/* Table file base names ("accounts.csv"...). */
const char *gen_events_table_name(int t);

/* Whether freelancer i receives at least one payout in the window (the schedule the
 * payout phase draws, replayed on a private copy of its stream). O(days). */
int gen_events_paid(const gen_world *w, uint32_t i);

/* Writes every table into dir. Updates w's behaviour bits (see above). Returns 0, or -1
 * with err set (RS_E_IO and the message); on failure no table is left in dir under its final name.
 */
int gen_events_write(gen_world *w, const char *dir, gen_events_stats *st, rs_error *err);

#endif
