/* loginflags.h - red flags an account earns from its own logins and the
 * devices and IPs it uses: GEO_HOP, LONG_SESSION, ANON_NETWORK,
 * COUNTRY_MISMATCH, REMOTE_ACCESS, FARM_LINE, OFF_HOURS and SHARED_DEVICE.
 * (SHARED_IP comes from the projection's IP pass, which sees who was on an IP at
 * the same time.)
 *
 * Every test is a rule of rules.h, and each flag's evidence rule (evrule.h)
 * is defined in loginflags.c beside the detector and calls the same test, so
 * evidence selection shows the rows that raised the flag. Remote access is seen
 * two ways: a remote-desktop port on an IP or device, and a login whose user
 * agent names a remote-desktop client (login_ev.remote_ua). The flags of an
 * account's own logins read them as login facts (loginfacts.h), the form a reduced
 * export gives too. Cost: O(L + P + D) for L logins, P port observations and D
 * device users, plus one pass over the aggregated edges when a remote-desktop port
 * was observed.
 */
#ifndef RINGSCAN_LOGINFLAGS_H
#define RINGSCAN_LOGINFLAGS_H

#include "algorithms/detect_params.h"
#include "algorithms/loginfacts.h"
#include "algorithms/resindex.h"
#include "graph/graph.h"

/* Remote access observed on each IP: a remote-desktop port seen on it (the ports
 * table), or a login from it made through a remote-desktop client. Returns a new
 * array of graph_count(g, NODE_IP) + 1 bytes, 1 for such IPs (free with free), or
 * NULL when there is none. O(P + L) for P port observations and L logins. */
uint8_t *loginflags_remote_ips(const rs_graph *g, const detect_params *p);

/* Raises on fl[a] the flags account a earns from its own logins, given as login
 * facts f: GEO_HOP, LONG_SESSION, ANON_NETWORK, COUNTRY_MISMATCH, REMOTE_ACCESS
 * (from remote-desktop clients) and OFF_HOURS. O(facts x log countries). */
void loginflags_own(const rs_graph *g, const detect_params *p, const login_facts *f, uint32_t a,
                    acct_flags *fl);

/* FARM_LINE: the line an account with login facts f lives on among the addresses
 * with remote access rem[] (loginflags_remote_ips) that are not anonymising
 * (rules_lives_on), or GRAPH_NONE; *there is set to its logins there when it lives
 * on one. O(facts). */
uint32_t loginflags_home_line(const rs_graph *g, const detect_params *p, const uint8_t *rem,
                              const login_facts *f, uint32_t *there);

/* Raises the flags on fl (one per account) of a finalized, enriched graph.
 * devs is the graph's device index. */
void loginflags_run(const rs_graph *g, const detect_params *p, const res_index *devs,
                    acct_flags *fl);

#endif
