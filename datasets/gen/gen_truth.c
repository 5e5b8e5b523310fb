/* gen_truth.c - writes truth.csv and truth.json; see gen_truth.h.
 *
 * Memory: the JSON document,
 * whose size is proportional to the number of ring members, not to the number of events.
 */
#include "datasets/gen/gen_truth.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets/gen/gen_geo.h"
#include "datasets/gen/gen_out.h"
#include "datasets/gen/gen_scheme.h"

void gen_truth_ring_id(char *buf, size_t len, unsigned k)
{
    snprintf(buf, len, "T%03u", k + 1);
}

static void truth_id(char *buf, size_t len, uint32_t pub)
{
    snprintf(buf, len, "u%08x", pub);
}

static int truth_csv(const gen_world *w, const char *dir)
{
    gen_out *t = NULL;
    int rc = -1;
    if (gen_out_open(&t, dir, "truth.csv", 0,
                     "account_id,role,ring_id,population,behaviours,group_id") != 0)
        goto cleanup;
    uint32_t ns = 0, k = 0;
    const uint32_t *sorder = gen_scheme_order(w, &ns);
    for (uint32_t j = 0; j < w->n; j++) {
        const gen_acct *a = &w->acct[w->order[j]];
        char buf[512];
        /* Scheme accounts (--schemes) merged in, so the file stays sorted by id. */
        for (; k < ns && w->acct[sorder[k]].pub < a->pub; k++)
            gen_scheme_truth_row(w, sorder[k], t);
        size_t len = 0;
        gen_out_id(t, 'u', a->pub, 8);
        gen_out_str(t, a->role ? "client" : "freelancer");
        if (gen_world_in_ring(a) || a->pop == GEN_POP_SHILL) {
            char rid[16];
            gen_truth_ring_id(rid, sizeof rid, a->group);
            gen_out_str(t, rid);
        } else {
            gen_out_empty(t);
        }
        gen_out_str(t, gen_world_pop_name(gen_world_in_ring(a) ? GEN_POP_RING : a->pop));
        buf[0] = 0;
        for (int b = 0; b < GEN_B_COUNT; b++) {
            if (!(a->behav & GEN_BIT(b)))
                continue;
            int n = snprintf(buf + len, sizeof buf - len, "%s%s", len ? ";" : "",
                             gen_world_behav_name(b));
            if (n > 0 && (size_t)n < sizeof buf - len)
                len += (size_t)n;
        }
        gen_out_str(t, buf);
        /* Benign groups (offices, households, agencies, shared-control groups, cloud
         * desktops, cohorts, hiring teams): accounts in one group share an id. */
        if (!gen_world_in_ring(a) && a->pop != GEN_POP_SHILL && a->group != GEN_NONE)
            gen_out_id(t, 'G', a->group, 5);
        else
            gen_out_empty(t);
        gen_out_eol(t);
    }
    for (; k < ns; k++)
        gen_scheme_truth_row(w, sorder[k], t);
    rc = 0;
cleanup:
    if (gen_out_close(t, rc == 0) != 0)
        rc = -1;
    return rc;
}

/* Appends a new reference to arr; returns -1 when v is NULL (jansson's failure value). */
static int truth_push(json_t *arr, json_t *v)
{
    if (!v)
        return -1;
    return json_array_append_new(arr, v);
}

static int truth_set(json_t *obj, const char *key, json_t *v)
{
    if (!v)
        return -1;
    return json_object_set_new(obj, key, v);
}

static json_t *truth_ip(uint32_t a)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255u, (a >> 8) & 255u, a & 255u);
    return json_string(buf);
}

static json_t *truth_acct(const gen_world *w, uint32_t i)
{
    char buf[16];
    truth_id(buf, sizeof buf, w->acct[i].pub);
    return json_string(buf);
}

static json_t *truth_hexid(char prefix, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%c%014llx", prefix, (unsigned long long)v);
    return json_string(buf);
}

static json_t *truth_behaviours(uint64_t bits)
{
    json_t *a = json_array();
    for (int b = 0; a && b < GEN_B_COUNT; b++)
        if (bits & GEN_BIT(b))
            truth_push(a, json_string(gen_world_behav_name(b)));
    return a;
}

static json_t *truth_block(uint16_t blk)
{
    const gen_geo_block *b = gen_geo_block_at(blk);
    char buf[160];
    snprintf(buf, sizeof buf, "%u.%u.%u.%u/%u", b->base >> 24, (b->base >> 16) & 255u,
             (b->base >> 8) & 255u, b->base & 255u, b->len);
    json_t *o = json_object();
    if (!o)
        return NULL;
    int e = truth_set(o, "prefix", json_string(buf));
    e |= truth_set(o, "country", json_string(b->cc));
    e |= truth_set(o, "asn", json_integer(b->asn));
    e |= truth_set(o, "asn_org", json_string(b->org));
    if (e) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *truth_ring(const gen_world *w, uint32_t k)
{
    const gen_ring *g = &w->rings[k];
    const gen_opts *o = w->o;
    char rid[16], ts[24];
    json_t *r = json_object(), *members = json_array(), *shills = json_array(), *ops = json_array(),
           *ips = json_array(), *devs = json_array(), *dests = json_array(), *bursts = json_array(),
           *structs = json_array(), *farm = json_array(), *infra = NULL;
    int e = 0;
    if (!r || !members || !shills || !ops || !ips || !devs || !dests || !bursts || !structs ||
        !farm)
        goto fail;
    gen_truth_ring_id(rid, sizeof rid, k);
    e |= truth_set(r, "id", json_string(rid));
    e |= truth_set(r, "behaviours", truth_behaviours(g->behav));
    if (o->identity)
        e |= truth_set(r, "tactic", json_string("infrastructure"));
    for (uint32_t i = g->first; i < g->first + g->n; i++)
        e |= truth_push(members, truth_acct(w, i));
    for (uint32_t i = g->shill_first; i < g->shill_first + g->nshill; i++)
        e |= truth_push(shills, truth_acct(w, i));
    for (uint32_t j = 0; j < g->nop; j++) {
        uint32_t oi = g->op_first + j;
        const gen_op *op = &w->ops[oi];
        json_t *jo = json_object(), *accts = json_array();
        char opid[32];
        if (!jo || !accts) {
            json_decref(jo);
            json_decref(accts);
            goto fail;
        }
        snprintf(opid, sizeof opid, "%s-op%u", rid, j + 1);
        for (uint32_t i = g->first; i < g->first + g->n; i++)
            if (w->acct[i].op == oi)
                e |= truth_push(accts, truth_acct(w, i));
        for (uint32_t i = g->shill_first; i < g->shill_first + g->nshill; i++)
            if (w->acct[i].op == oi)
                e |= truth_push(accts, truth_acct(w, i));
        e |= truth_set(jo, "id", json_string(opid));
        e |= truth_set(jo, "country", json_string(gen_world_cc(op->cc)));
        e |= truth_set(jo, "device_mode", json_string(op->shared_device ? "shared" : "dedicated"));
        e |= truth_set(jo, "home_network", truth_block(op->res_blk));
        e |= truth_set(jo, "server_ip", truth_ip(op->vps_ip));
        e |= truth_set(jo, "server_network", truth_block(op->host_blk));
        e |= truth_set(jo, "accounts", accts);
        if (op->shared_device)
            e |= truth_push(devs, truth_hexid('d', op->device));
        e |= truth_push(ops, jo);
        /* The server is shared infrastructure when members reach it. */
        for (uint32_t i = g->first; i < g->first + g->n; i++) {
            if (w->acct[i].op == oi && (w->acct[i].chan & GEN_CH_VPS)) {
                e |= truth_push(ips, truth_ip(op->vps_ip));
                break;
            }
        }
    }
    for (uint32_t j = 0; j < g->nfarm; j++) {
        e |= truth_push(farm, truth_ip(g->farm_ip[j]));
        e |= truth_push(ips, truth_ip(g->farm_ip[j]));
    }
    for (uint32_t j = 0; j < g->ndest; j++) {
        json_t *d = json_object();
        if (!d)
            goto fail;
        e |= truth_set(d, "id", truth_hexid('p', g->dest[j]));
        e |= truth_set(d, "country", json_string(gen_world_cc(g->dest_cc[j])));
        e |= truth_push(dests, d);
    }
    for (uint32_t j = 0; j < g->nburst; j++) {
        json_t *b = json_object();
        if (!b)
            goto fail;
        gen_out_format_ts(ts, w->t0 + (int64_t)g->burst_day[j] * 86400);
        e |= truth_set(b, "start", json_string(ts));
        e |= truth_set(b, "days", json_integer(g->burst_len[j]));
        e |= truth_push(bursts, b);
    }
    for (uint32_t j = 0; j < g->nstruct; j++) {
        json_t *s = json_object();
        if (!s)
            goto fail;
        e |= truth_set(s, "freelancer", truth_acct(w, g->structurer[j]));
        e |= truth_set(s, "victim_client", truth_acct(w, g->victim[j]));
        e |= truth_set(s, "victim_instrument", truth_hexid('p', gen_world_dest(w, g->victim[j])));
        e |= truth_set(s, "instalments", json_integer(o->struct_instalments));
        e |= truth_set(s, "total_usd", json_integer((json_int_t)o->struct_total));
        e |= truth_push(structs, s);
    }
    infra = json_object();
    if (!infra)
        goto fail;
    e |= truth_set(infra, "ips", ips);
    e |= truth_set(infra, "devices", devs);
    e |= truth_set(infra, "destinations", dests);
    ips = devs = dests = NULL;
    e |= truth_set(r, "size", json_integer(g->n));
    e |= truth_set(r, "members", members);
    e |= truth_set(r, "shill_clients", shills);
    e |= truth_set(r, "operators", ops);
    e |= truth_set(r, "shared_infrastructure", infra);
    e |= truth_set(r, "laptop_farm_ips", farm);
    e |= truth_set(r, "shill_bursts", bursts);
    e |= truth_set(r, "structured_charges", structs);
    if (e) {
        json_decref(r);
        return NULL;
    }
    return r;
fail:
    json_decref(r);
    json_decref(members);
    json_decref(shills);
    json_decref(ops);
    json_decref(ips);
    json_decref(devs);
    json_decref(dests);
    json_decref(bursts);
    json_decref(structs);
    json_decref(farm);
    return NULL;
}

/* A disciplined ring: its members and their traits; it has no shared infrastructure. */
static json_t *truth_dring(const gen_world *w, uint32_t k)
{
    const gen_dring *g = &w->drings[k];
    char rid[16];
    json_t *r = json_object(), *members = json_array(), *traits = json_object();
    int e = 0;
    if (!r || !members || !traits) {
        json_decref(r);
        json_decref(members);
        json_decref(traits);
        return NULL;
    }
    gen_truth_ring_id(rid, sizeof rid, w->nrings + k);
    for (uint32_t i = g->first; i < g->first + g->n; i++) {
        char id[16];
        truth_id(id, sizeof id, w->acct[i].pub);
        e |= truth_push(members, json_string(id));
        e |= truth_set(traits, id, truth_behaviours(w->acct[i].behav));
    }
    e |= truth_set(r, "id", json_string(rid));
    e |= truth_set(r, "tactic", json_string("disciplined"));
    e |= truth_set(r, "behaviours", truth_behaviours(g->behav));
    e |= truth_set(r, "size", json_integer(g->n));
    e |= truth_set(r, "members", members);
    e |= truth_set(r, "member_traits", traits);
    e |= truth_set(r, "text_templates", json_integer(g->ntpl));
    e |= truth_set(r, "phones", json_integer(g->nphone));
    e |= truth_set(r, "photos", json_integer(g->nphoto));
    if (e) {
        json_decref(r);
        return NULL;
    }
    return r;
}

static json_t *truth_options(const gen_opts *o)
{
    char start[24];
    json_t *j = json_object();
    if (!j)
        return NULL;
    gen_out_format_ts(start, o->start_day * 86400);
    start[10] = 0;
    int e = 0;
    e |= truth_set(j, "seed", json_integer((json_int_t)o->seed));
    e |= truth_set(j, "accounts", json_integer(o->accounts));
    e |= truth_set(j, "clients", json_integer(o->clients));
    e |= truth_set(j, "days", json_integer(o->days));
    e |= truth_set(j, "start", json_string(start));
    e |= truth_set(j, "rings", json_integer(o->rings));
    e |= truth_set(j, "ring_size_min", json_integer(o->ring_min));
    e |= truth_set(j, "ring_size_max", json_integer(o->ring_max));
    e |= truth_set(j, "enrich", json_boolean(o->enrich));
    e |= truth_set(j, "gzip", json_boolean(o->gzip));
    e |= truth_set(j, "randomize", json_boolean(o->randomize));
    if (o->schemes)
        e |= truth_set(j, "schemes", json_integer(o->schemes));
    const struct {
        const char *k;
        double v;
    } d[] = {{"p_cgnat", o->p_cgnat},
             {"p_office", o->p_office},
             {"p_household", o->p_household},
             {"p_vpn", o->p_vpn},
             {"p_traveller", o->p_traveller},
             {"p_agency", o->p_agency},
             {"p_overnight", o->p_overnight},
             {"p_heavy_bidder", o->p_heavy_bidder},
             {"p_milestone", o->p_milestone},
             {"p_enterprise", o->p_enterprise},
             {"p_milestone_client", o->p_milestone_client},
             {"p_shared_control", o->p_shared_control},
             {"p_relocator", o->p_relocator},
             {"p_cloud_desktop", o->p_cloud_desktop},
             {"p_crypto_payee", o->p_crypto_payee},
             {"p_cohort", o->p_cohort},
             {"p_review_sweep", o->p_review_sweep},
             {"p_hiring_team", o->p_hiring_team},
             {"shared_milestone", o->shared_milestone},
             {"shared_laptop", o->shared_laptop},
             {"mobile_share", o->mobile_share},
             {"vpn_share", o->vpn_share},
             {"household_device", o->household_device},
             {"benign_remote", o->benign_remote},
             {"overnight_rate", o->overnight_rate},
             {"b_operator_abroad", o->b_abroad},
             {"b_anon_network", o->b_anon},
             {"b_laptop_farm", o->b_farm},
             {"b_shared_device", o->b_shared_device},
             {"b_geo_hop", o->b_geo_hop},
             {"b_long_session", o->b_long_session},
             {"b_bid_spam", o->b_bid_spam},
             {"b_shill", o->b_shill},
             {"b_self_dealing", o->b_self_dealing},
             {"b_shared_payout", o->b_shared_payout},
             {"b_structuring", o->b_structuring},
             {"coverage", o->coverage},
             {"camouflage", o->camouflage},
             {"structuring_total_usd", o->struct_total}};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        e |= truth_set(j, d[i].k, json_real(d[i].v));
    const struct {
        const char *k;
        uint32_t v;
    } u[] = {{"office_min", o->office_min},
             {"office_max", o->office_max},
             {"household_min", o->household_min},
             {"household_max", o->household_max},
             {"agency_min", o->agency_min},
             {"agency_max", o->agency_max},
             {"shared_min", o->shared_min},
             {"shared_max", o->shared_max},
             {"cloud_min", o->cloud_min},
             {"cloud_max", o->cloud_max},
             {"cohort_min", o->cohort_min},
             {"cohort_max", o->cohort_max},
             {"team_min", o->team_min},
             {"team_max", o->team_max},
             {"cgnat_pool", o->cgnat_pool},
             {"vpn_exits", o->vpn_exits},
             {"shill_min", o->shill_min},
             {"shill_max", o->shill_max},
             {"per_operator_min", o->per_op_min},
             {"per_operator_max", o->per_op_max},
             {"structuring_instalments", o->struct_instalments}};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        e |= truth_set(j, u[i].k, json_integer(u[i].v));
    if (o->identity) {
        e |= truth_set(j, "identity", json_true());
        e |= truth_set(j, "disciplined_rings", json_integer(o->disciplined_rings));
    }
    if (e) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static int truth_json(const gen_world *w, const gen_events_stats *st, const char *dir)
{
    json_t *root = json_object(), *rings = json_array(), *pops = json_object(),
           *rows = json_object();
    char *tmp = NULL, *fin = NULL;
    int rc = -1, e = 0;
    if (!root || !rings || !pops || !rows)
        goto cleanup;
    for (uint32_t k = 0; k < w->nrings; k++)
        e |= truth_push(rings, truth_ring(w, k));
    for (uint32_t k = 0; k < w->ndrings; k++)
        e |= truth_push(rings, truth_dring(w, k));
    for (int p = 0; p < (w->o->schemes ? GEN_POP_COUNT : GEN_POP_LAPTOP_FARM); p++)
        e |= truth_set(pops, gen_world_pop_name(p), json_integer(w->pop_count[p]));
    for (int t = 0; t < GEN_T_COUNT; t++) {
        char name[32];
        snprintf(name, sizeof name, "%s", gen_events_table_name(t));
        char *dot = strchr(name, '.');
        if (dot)
            *dot = 0;
        e |= truth_set(rows, name, json_integer((json_int_t)st->rows[t]));
    }
    if (w->o->identity)
        e |= truth_set(rows, "attributes", json_integer((json_int_t)st->attr_rows));
    e |= truth_set(root, "generator", json_string("ringscan-gen"));
    e |= truth_set(root, "format", json_integer(1));
    e |= truth_set(root, "options", truth_options(w->o));
    e |= truth_set(root, "populations", pops);
    e |= truth_set(root, "rows", rows);
    e |= truth_set(root, "rings", rings);
    pops = rows = rings = NULL;
    if (e)
        goto cleanup;
    size_t n = strlen(dir) + 32;
    tmp = malloc(n);
    fin = malloc(n);
    if (!tmp || !fin)
        goto cleanup;
    snprintf(tmp, n, "%s/.truth.json.tmp", dir);
    snprintf(fin, n, "%s/truth.json", dir);
    if (json_dump_file(root, tmp, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6)) != 0)
        goto cleanup;
    if (rename(tmp, fin) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    if (rc != 0 && tmp)
        remove(tmp);
    free(tmp);
    free(fin);
    json_decref(root);
    json_decref(rings);
    json_decref(pops);
    json_decref(rows);
    return rc;
}

int gen_truth_write(const gen_world *w, const gen_events_stats *st, const char *dir, rs_error *err)
{
    if (truth_csv(w, dir) != 0) {
        rs_error_set(err, RS_E_IO, NULL, 0, 0, "cannot write %s/truth.csv: %s", dir,
                     strerror(errno));
        return -1;
    }
    if (w->o->schemes && gen_scheme_write_handover(w, dir) != 0) {
        rs_error_set(err, RS_E_IO, NULL, 0, 0, "cannot write %s/truth-handover.csv: %s", dir,
                     strerror(errno));
        return -1;
    }
    if (truth_json(w, st, dir) != 0) {
        rs_error_set(err, RS_E_IO, NULL, 0, 0, "cannot write %s/truth.json", dir);
        return -1;
    }
    return 0;
}
