/* geoip.c - see geoip.h. libmaxminddb 1.7.1 notes (LIBRARY-NOTES.md): strings
 * are not NUL-terminated and die with MMDB_close; a missing key is status
 * MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR, meaning "absent". Lookups go
 * through MMDB_lookup_sockaddr so no address is formatted and re-parsed. */
#include "ingest/geoip.h"

#include "base/sha256.h"
#include "base/utf8.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct geoip {
    MMDB_s db[GEOIP_KINDS];
    geoip_db_info info[GEOIP_KINDS];
};

static const char *const search_dirs[] = {"/usr/share/GeoIP", "/var/lib/GeoIP", "datasets/geoip"};
static const char *const search_names[GEOIP_KINDS][4] = {
    {"GeoIP2-City.mmdb", "GeoLite2-City.mmdb", "GeoIP2-Country.mmdb", "GeoLite2-Country.mmdb"},
    {"GeoLite2-ASN.mmdb", "GeoIP2-ISP.mmdb", NULL, NULL},
    {"GeoIP2-Anonymous-IP.mmdb", NULL, NULL, NULL},
};

const char *geoip_kind_name(int kind)
{
    static const char *const n[GEOIP_KINDS] = {"city", "asn", "anonymous_ip"};
    return kind >= 0 && kind < GEOIP_KINDS ? n[kind] : "?";
}

static int open_one(geoip *gi, int k, const char *path, rs_error *err)
{
    int st = MMDB_open(path, MMDB_MODE_MMAP, &gi->db[k]);
    if (st != MMDB_SUCCESS)
        return rs_error_set(err, RS_E_IO, path, 0, 0, "cannot open %s database: %s",
                            geoip_kind_name(k), MMDB_strerror(st));
    /* A database of the wrong kind would silently enrich nothing. */
    static const char *const expect[GEOIP_KINDS][2] = {
        {"City", "Country"}, {"ASN", "ISP"}, {"Anonymous", "Anonymous"}};
    char type[64]; /* a copy: the metadata dies with MMDB_close */
    snprintf(type, sizeof type, "%s",
             gi->db[k].metadata.database_type ? gi->db[k].metadata.database_type : "");
    if (!strstr(type, expect[k][0]) && !strstr(type, expect[k][1])) {
        MMDB_close(&gi->db[k]);
        return rs_error_set(
            err, RS_E_IO, path, 0, 0,
            "database type '%s' is not %s database (expected a type naming %s or %s)", type,
            k == GEOIP_ASN    ? "an ASN"
            : k == GEOIP_CITY ? "a City/Country"
                              : "an Anonymous-IP",
            expect[k][0], expect[k][1]);
    }
    geoip_db_info *in = &gi->info[k];
    in->open = 1;
    in->path = xstrdup(path);
    snprintf(in->type, sizeof in->type, "%s",
             gi->db[k].metadata.database_type ? gi->db[k].metadata.database_type : "");
    in->build_epoch = gi->db[k].metadata.build_epoch;
    rs_error herr;
    if (sha256_file_hex(path, in->sha256, NULL, &herr) != RS_OK)
        in->sha256[0] = '\0';
    return RS_OK;
}

int geoip_open(geoip **out, const char *const paths[GEOIP_KINDS], int search, rs_error *err)
{
    geoip *gi = xcalloc(1, sizeof *gi);
    *out = gi;
    for (int k = 0; k < GEOIP_KINDS; k++) {
        if (paths && paths[k]) {
            int rc = open_one(gi, k, paths[k], err);
            if (rc)
                return rc;
            continue;
        }
        if (!search)
            continue;
        for (size_t d = 0; d < sizeof search_dirs / sizeof *search_dirs && !gi->info[k].open; d++) {
            for (int n = 0; n < 4 && search_names[k][n] && !gi->info[k].open; n++) {
                char p[512];
                snprintf(p, sizeof p, "%s/%s", search_dirs[d], search_names[k][n]);
                struct stat sb;
                if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
                    open_one(gi, k, p, err); /* a broken file found by search is skipped */
            }
        }
    }
    return RS_OK;
}

void geoip_close(geoip *gi)
{
    if (!gi)
        return;
    for (int k = 0; k < GEOIP_KINDS; k++) {
        if (gi->info[k].open)
            MMDB_close(&gi->db[k]);
        free(gi->info[k].path);
    }
    free(gi);
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

/* Reads a value; returns 1 when present with the expected type. */
static int get(MMDB_lookup_result_s *res, MMDB_entry_data_s *d, uint32_t type,
               const char *const *path)
{
    int st = MMDB_aget_value(&res->entry, d, path);
    return st == MMDB_SUCCESS && d->has_data && d->type == type;
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

void geoip_enrich(geoip *gi, rs_graph *g, geoip_stats *st)
{
    static const char *const p_country[] = {"country", "iso_code", NULL};
    static const char *const p_reg_country[] = {"registered_country", "iso_code", NULL};
    static const char *const p_lat[] = {"location", "latitude", NULL};
    static const char *const p_lon[] = {"location", "longitude", NULL};
    static const char *const p_rad[] = {"location", "accuracy_radius", NULL};
    static const char *const p_asn[] = {"autonomous_system_number", NULL};
    static const char *const p_org[] = {"autonomous_system_organization", NULL};
    static const char *const p_anon[] = {"is_anonymous", NULL};
    static const char *const p_vpn[] = {"is_anonymous_vpn", NULL};
    static const char *const p_host[] = {"is_hosting_provider", NULL};
    static const char *const p_proxy[] = {"is_public_proxy", NULL};
    static const char *const p_tor[] = {"is_tor_exit_node", NULL};
    memset(st, 0, sizeof *st);
    uint32_t n = graph_count(g, NODE_IP);
    st->ips = n;
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const char *raw = intern_str(g->ids[NODE_IP], i, &len);
        ipaddr ip = {.len = (uint8_t)len};
        memcpy(ip.b, raw, len);
        ip_attr *ia = &g->ip[i];
        MMDB_lookup_result_s res;
        MMDB_entry_data_s d;
        if (gi->info[GEOIP_CITY].open && lookup(&gi->db[GEOIP_CITY], &ip, &res)) {
            if (ia->country_src != SRC_DATA) {
                if (get(&res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_country) ||
                    get(&res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_reg_country))
                    set_country(ia, &d);
            }
            MMDB_entry_data_s dl;
            if (get(&res, &d, MMDB_DATA_TYPE_DOUBLE, p_lat) &&
                get(&res, &dl, MMDB_DATA_TYPE_DOUBLE, p_lon)) {
                ia->lat = (float)d.double_value;
                ia->lon = (float)dl.double_value;
                ia->has_loc = 1;
                if (get(&res, &d, MMDB_DATA_TYPE_UINT16, p_rad))
                    ia->radius_km = d.uint16;
            }
        }
        if (gi->info[GEOIP_ASN].open && ia->asn_src != SRC_DATA &&
            lookup(&gi->db[GEOIP_ASN], &ip, &res)) {
            if (get(&res, &d, MMDB_DATA_TYPE_UINT32, p_asn)) {
                ia->asn = d.uint32;
                ia->asn_src = SRC_DB;
                size_t bad;
                if (get(&res, &d, MMDB_DATA_TYPE_UTF8_STRING, p_org) &&
                    utf8_check(d.utf8_string, d.data_size, &bad) == UTF8_OK)
                    ia->asn_org = graph_string(g, d.utf8_string, d.data_size);
            }
        }
        if (gi->info[GEOIP_ANON].open && lookup(&gi->db[GEOIP_ANON], &ip, &res)) {
            const struct {
                const char *const *path;
                uint8_t bit;
            } flags[] = {{p_anon, ANON_ANY},
                         {p_vpn, ANON_VPN},
                         {p_host, ANON_HOSTING},
                         {p_proxy, ANON_PROXY},
                         {p_tor, ANON_TOR}};
            for (size_t f = 0; f < sizeof flags / sizeof *flags; f++)
                if (get(&res, &d, MMDB_DATA_TYPE_BOOLEAN, flags[f].path) && d.boolean)
                    ia->anon |= flags[f].bit;
        }
        st->country += ia->country[0] != '\0';
        st->location += ia->has_loc;
        st->asn += ia->asn != 0;
        st->anon += ia->anon != 0;
    }
}
