/* gen_scheme.h - the 2024-2025 schemes and their benign look-alikes (--schemes 2025).
 *
 * Adds populations the first simulator never had: laptop farms behind one US home line,
 * slow shill rating rings, rented accounts, rings that share no infrastructure, rings paid
 * in crypto, and the look-alikes that share one trait each with them (co-working spaces,
 * carrier-grade NAT pools, payroll agencies, night workers, digital nomads, IT
 * administrators). Each is its own population in truth.csv.
 *
 * The accounts are appended after the world's own: indices [w->n, w->n + w->ns) of
 * w->acct, outside every loop of the base generator, with public ids from the same
 * bijection (so they never collide). Every draw comes from streams keyed by the seed and
 * a purpose of their own, and their rows are appended after the base tables' rows, so a
 * world generated without --schemes is byte-identical to one from a simulator that never
 * knew about them, and the base accounts' rows are the same with or without it.
 */
#ifndef GEN_SCHEME_H
#define GEN_SCHEME_H

#include <stdint.h>

#include "base/error.h"
#include "datasets/gen/gen_events.h"
#include "datasets/gen/gen_out.h"
#include "datasets/gen/gen_world.h"

typedef struct gen_scheme gen_scheme;

/* Lays out the scheme populations after w's accounts: grows w->acct, sets w->ns and
 * w->sch (owned by w, freed by gen_world_free). Call once, after the base population and
 * before w->order is built. Returns 0, or -1 with err set (RS_E_CONFIG: unknown
 * o->schemes). O(scheme accounts). */
int gen_scheme_build(gen_world *w, rs_error *err);
void gen_scheme_free(gen_scheme *s);

/* Scheme account indices sorted by public id (borrowed; *n gets the count). */
const uint32_t *gen_scheme_order(const gen_world *w, uint32_t *n);

/* Appends the scheme accounts' rows to the open tables t (accounts, logins, bids,
 * ratings, payouts, charges, ports). O(rows). */
void gen_scheme_events(gen_world *w, gen_out *const *t);

/* Appends the scheme accounts' identities to attributes.csv (t, open). */
void gen_scheme_attributes(const gen_world *w, gen_out *t);

/* One truth.csv row for scheme account i (account_id,role,ring_id,population,
 * behaviours,group_id). */
void gen_scheme_truth_row(const gen_world *w, uint32_t i, gen_out *t);

/* Writes DIR/truth-handover.csv (account_id,handover_at: the first day the renter operates a
 * rented account). Returns 0, or -1 with errno set. */
int gen_scheme_write_handover(const gen_world *w, const char *dir);

/* Number of scheme rings (truth ring ids continue after the base and disciplined rings). */
uint32_t gen_scheme_rings(const gen_world *w);

#endif
