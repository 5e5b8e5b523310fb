/* textsim.h - near-duplicate texts (bid cover letters, profile texts) written
 * by different accounts: MinHash signatures and LSH banding over word
 * shingles, every candidate pair verified by its exact shingle-set Jaccard.
 *
 * A proxy ring re-uses its scripts: the same cover letter with a name and a
 * few words changed goes out from many accounts. Texts are reduced to the set
 * of hashes of their `shingle`-word windows; two texts are linked when the
 * exact Jaccard of those sets reaches `threshold`, and the groups reported
 * are the connected components of the links that span two or more owners.
 * Two texts of one owner are never compared (an account's own letters
 * resemble each other and say nothing about other accounts; on exports where
 * every freelancer sends dozens of variations of one letter they were nearly
 * all of the candidate pairs), so a component joins one owner's texts only
 * through other owners' (identical texts of several owners, collapsed into
 * one, are compared with everything).
 *
 * Representation: each text keeps only its distinct 32-bit shingle hashes
 * (4 bytes per shingle, ~600 MB for a million 150-word texts); the texts
 * themselves are not kept. Jaccard is exact over these hashes: two different
 * shingles share a hash with probability 2^-32, which for two 150-shingle
 * texts shifts their Jaccard by about 1/300 once in ~200 000 pairs.
 *
 * Determinism: for the same texts added in the same order and the same
 * parameters the output is identical whatever `threads` is: threads only
 * compute per-text work (sorting shingles, signatures, band keys, the sort
 * of each band); links are made in one fixed sequential order.
 *
 * Ownership: textsim_new returns a new object the caller frees with
 * textsim_free; textsim_cluster returns a new array the caller frees.
 */
#ifndef RINGSCAN_TEXTSIM_H
#define RINGSCAN_TEXTSIM_H

#include <stddef.h>
#include <stdint.h>

/* Parameters. textsim_params_init sets the defaults:
 *
 * - shingle = 3: word trigrams. Single words and pairs are shared by any two
 *   texts on one topic; longer windows make a light edit break too many
 *   shingles (each edited word breaks `shingle` of them).
 * - threshold = 0.5: replacing a fraction q of the words at random keeps
 *   about (1-q)^3 of the trigrams, so an edited copy has Jaccard
 *   (1-q)^3 / (2 - (1-q)^3) with its source: 0.57 at q = 10%, 0.52 at 12%,
 *   0.44 at 15%. Independent texts on one topic that share stock phrases
 *   stay below 0.1. 0.5 links copies with up to ~12% of words changed and
 *   keeps a wide margin above texts that only share phrases.
 * - bands = 32, rows = 4 (signature of 128 MinHash values): a pair with
 *   Jaccard J becomes a candidate with probability 1 - (1 - J^4)^32, whose
 *   S-curve midpoint (1/32)^(1/4) = 0.42 sits a little below the threshold
 *   on purpose: every candidate is verified exactly, so a false candidate
 *   costs one set intersection while a missed one is lost. Candidate
 *   probability: 0.87 at J = 0.5, 0.97 at 0.57 (10% edits), >0.999 at 0.7,
 *   0.23 at 0.3, 0.003 at 0.1.
 * - min_shingles = 10: a text of under 12 words says too little to tell a
 *   copy from a common phrase.
 * - seed = 0x5eed, threads = 1.
 */
typedef struct {
    uint32_t shingle;      /* words per shingle, 1..32 */
    uint32_t bands, rows;  /* LSH bands x rows per band = signature length */
    double threshold;      /* exact Jaccard at which two texts are linked, (0, 1] */
    uint32_t min_shingles; /* texts with fewer distinct shingles are ignored */
    uint64_t seed;         /* seeds the MinHash permutations */
    int threads;           /* worker threads; values below 1 mean 1 */
} textsim_params;

void textsim_params_init(textsim_params *p);

typedef struct textsim textsim;

/* Returns a new, empty collection with a copy of *p (NULL: the defaults).
 * Asserts that the parameters are in range. Never NULL (aborts on OOM). */
textsim *textsim_new(const textsim_params *p);
/* Frees t and everything it holds. Accepts NULL. */
void textsim_free(textsim *t);

/* Adds text[0..n) written by account `owner`; returns its doc id (0, 1, 2,
 * ... in call order). Words are maximal runs of ASCII letters, digits and
 * bytes >= 0x80 (so UTF-8 letters are word characters; no Unicode case
 * folding), ASCII letters lower-cased; everything else separates words.
 * Shingles are hashes of `shingle` consecutive words; a text of fewer words
 * has one shingle of all its words, a text of none has no shingles. The text
 * is not kept (borrowed for the call). O(n). Must not be called after
 * textsim_cluster. */
uint32_t textsim_add(textsim *t, uint32_t owner, const char *text, size_t n);

/* The number of docs added. */
uint32_t textsim_count(const textsim *t);

typedef struct {
    uint64_t docs;            /* texts added */
    uint64_t ignored_short;   /* texts under min_shingles distinct shingles */
    uint64_t distinct_texts;  /* distinct shingle sets among the rest */
    uint64_t candidate_pairs; /* pairs whose exact Jaccard was computed */
    uint64_t verified_pairs;  /* of those, pairs at or above threshold (links) */
    uint64_t clusters;        /* clusters reported (spanning two owners) */
    uint64_t big_buckets;     /* LSH buckets handled by the leader rule */
    double seconds_prepare;   /* sorting shingle sets, collapsing duplicates */
    double seconds_signatures;
    double seconds_link; /* band sorting and the link pass */
    double seconds;      /* all of textsim_cluster */
} textsim_stats;

/* Groups the texts; call once, after the last textsim_add.
 *
 * 1. Texts with identical shingle sets collapse to one representative (the
 *    smallest doc id), so a template sent 50 000 times is one text below.
 * 2. Each representative gets `bands` keys, each the hash of `rows` MinHash
 *    values; representatives sharing a key in one band share a bucket.
 * 3. Bands are walked in order, buckets in key order, members in doc order.
 *    A bucket of at most 64 members compares every pair not already in one
 *    component (all-pairs semantics, with union-find skipping pairs that
 *    cannot change the components). A larger bucket uses the leader rule:
 *    each member is compared with the bucket's leaders (at most 8, in doc
 *    order) until one links; a member linking none becomes a leader while
 *    there are fewer than 8. Cost per bucket <= 8 x members. It misses a
 *    link between two non-leader members of a big bucket when neither links
 *    a leader (two edit families of one template that collide in a band
 *    after the leader slots are taken); another band usually recovers it.
 * 4. A candidate is linked when the exact Jaccard of the two sets reaches
 *    threshold; clusters are connected components of links (single linkage:
 *    A~B and B~C put A and C together even when A and C are not alike).
 *
 * Writes a new array of textsim_count(t) entries to *cluster_of_doc (the
 * caller frees it): the cluster of each doc in [0, nclusters) when its
 * component holds docs of at least two different owners, UINT32_MAX
 * otherwise (and for ignored texts). Clusters are numbered in order of their
 * smallest doc id. Returns the number of clusters; fills *st when non-NULL.
 * Time near-linear in the total number of shingles: O(S log s) for the
 * sets, O(S x bands x rows) for the signatures, O(R x bands) for the
 * buckets, plus one intersection per candidate pair. */
size_t textsim_cluster(textsim *t, uint32_t **cluster_of_doc, textsim_stats *st);

/* The links textsim_cluster made, as *n pairs of representative doc ids:
 * pair i is (v[2i], v[2i+1]) with v[2i] < v[2i+1] and Jaccard >= threshold,
 * in the order made. Borrowed; valid until textsim_free. *n is 0 (and the
 * result may be NULL) before clustering. */
const uint32_t *textsim_links(const textsim *t, size_t *n);

/* Exact Jaccard of the shingle sets of docs a and b: |A n B| / |A u B|, 0
 * when both are empty. Usable before and after clustering. O(|A| + |B|)
 * after textsim_cluster, O(s log s) before. */
double textsim_jaccard(const textsim *t, uint32_t a, uint32_t b);

#endif
