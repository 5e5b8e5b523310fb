/* graphml.h - writes the account graph as GraphML for Gephi, igraph, networkx.
 *
 * Node ids are n0, n1, ... in a fixed order (accounts and clients by account
 * id, then IPs, devices, destinations, each in first-seen order); the real id
 * is the `label`. Node keys: label type color r g b size country asn asn_org
 * anon (plus ring_id risk_score flags when the caller supplies them). Edge
 * keys: kind weight count first_seen last_seen amount stars. Numbers are
 * finite (never Inf/NaN) and printed in the C locale.
 */
#ifndef RINGSCAN_GRAPHML_H
#define RINGSCAN_GRAPHML_H

#include "graph/graph.h"

#include <stdio.h>

/* Optional per-account annotations from detectors (NULL when absent). */
typedef struct {
    const uint8_t *keep_node;   /* indexed by global node id; NULL = every node */
    const char *const *ring_id; /* per account id, NULL or "" = none */
    const double *risk_score;   /* per account id */
    const char *const *flags;   /* per account id, ';'-separated */
    const int32_t *ring_index;  /* per account id: ring rank from 0, or -1;
                                   ring members are coloured by ring */
} graphml_annot;

/* Writes g (finalized) to f. Returns 0, or -1 on a write error. */
int graphml_write(FILE *f, const rs_graph *g, const graphml_annot *annot);

#endif
