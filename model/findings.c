/* findings.c - freeing the findings and naming node roles; see findings.h. */
#include "model/findings.h"

#include <stdlib.h>
#include <string.h>

void findings_free(findings *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nrings; i++) {
        free(f->rings[i].members);
        free(f->rings[i].shills);
        free(f->rings[i].res);
        free(f->rings[i].client_links);
    }
    free(f->rings);
    free(f->flags);
    free(f->risk);
    free(f->corroboration);
    free(f->ring_of);
    free(f->flagged);
    free(f->credits);
    memset(f, 0, sizeof *f);
}

ring_role findings_node_role(const rs_graph *g, const findings *f, size_t ri, uint32_t gid)
{
    uint32_t id;
    if (graph_node_decode(g, gid, &id) != NODE_ACCOUNT)
        return ROLE_IN_RING_RESOURCE;
    if (f->ring_of[id] != (int32_t)ri)
        return ROLE_IN_RING_COUNTERPARTY;
    return graph_account_type(g, id) == NODE_CLIENT ? ROLE_IN_RING_SHILL : ROLE_IN_RING_MEMBER;
}

const char *findings_role_name(ring_role r)
{
    static const char *const names[] = {"", "member", "shill", "counterparty", "resource"};
    return (unsigned)r < sizeof names / sizeof *names ? names[r] : "";
}

const char *findings_kind_name(ring_kind k)
{
    static const char *const names[] = {"proxy_ring", "rating_ring", "shared_control"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

const char *findings_severity_name(ring_severity s)
{
    static const char *const names[] = {"high", "medium", "low"};
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}
