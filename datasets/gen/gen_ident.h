/* gen_ident.h - the simulator's identities and texts (--identity).
 *
 * Every account gets a person behind it (name, e-mail, phone, postal address, identity
 * document, photo, portfolio URL, payout account holder) and texts (a profile, and a cover
 * letter per bid), written the way real exports are: mixed formatting, so that ringscan's
 * normalisers have work to do. Benign look-alikes share on purpose: households an address
 * and mostly a family name, colleagues an e-mail domain, shared-control groups one person,
 * cohorts a profile template, agencies a company paragraph, remote employees a company
 * shipping hub, some freelancers a spouse's payout account. Disciplined rings share what
 * their few operators could not vary: text templates, phones, photos, a laptop-farm
 * shipping address, mule payout holders.
 *
 * Nothing is stored: every value is recomputed from keyed hashes of the seed and the
 * account, group or ring, and from streams of their own, so no other stream of the
 * simulator moves and memory stays at the world's few bytes per account.
 */
#ifndef GEN_IDENT_H
#define GEN_IDENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "datasets/gen/gen_events.h"
#include "datasets/gen/gen_world.h"

/* Room for the longest text (a 200-word cover letter with its stock phrases). */
#define GEN_IDENT_TEXT_MAX 8192

/* Profile text of account i (40-120 words) into buf (NUL-terminated, truncated at len).
 * Deterministic for (seed, account). O(words). */
void gen_ident_profile_text(const gen_world *w, uint32_t i, char *buf, size_t len);

/* Cover letter of freelancer f for one bid (about 100-200 words); salt tells the bids
 * apart (project and time). Deterministic for (seed, account, salt). O(words). */
void gen_ident_bid_text(const gen_world *w, uint32_t f, uint64_t salt, char *buf, size_t len);

/* Writes DIR/attributes.csv (account_id,kind,value,ts,source; sorted by account, then
 * kind) and records benign traits it exhibits (spouse payouts) in w's behaviour bits;
 * st->attr_rows gets the row count. Returns 0, or -1 with err set (RS_E_IO); on failure no
 * attributes.csv is left under its final name. */
int gen_ident_write(gen_world *w, const char *dir, gen_events_stats *st, rs_error *err);

#endif
