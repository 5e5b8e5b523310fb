/* rules.c - the per-event tests behind the red flags; see rules.h. */
#include "algorithms/rules.h"

#include "model/country_tz.h"

#include <math.h>

int rules_high_risk_country(const detect_params *p, const char *cc)
{
    if (!cc[0])
        return 0;
    for (size_t i = 0; i < p->n_high_risk; i++)
        if (!strcmp(p->high_risk[i], cc))
            return 1;
    return 0;
}

/* Great-circle distance by the haversine formula, on a sphere of the mean
 * Earth radius. */
static double haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = RULES_EARTH_RADIUS_KM, d2r = M_PI / 180.0;
    double dlat = (lat2 - lat1) * d2r, dlon = (lon2 - lon1) * d2r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * d2r) * cos(lat2 * d2r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

int rules_geo_hop(const detect_params *p, const ip_attr *pa, const ip_attr *ia, int64_t gap_ms)
{
    if (gap_ms < 0)
        gap_ms = 0;
    if (rules_country_hop(p, pa->country, ia->country, gap_ms))
        return 1;
    int same_cc = pa->country[0] && ia->country[0] && !strcmp(pa->country, ia->country);
    if (same_cc || !pa->has_loc || !ia->has_loc)
        return 0;
    double km = haversine_km(pa->lat, pa->lon, ia->lat, ia->lon) - pa->radius_km - ia->radius_km;
    double hours = (double)gap_ms / 3600e3;
    return km >= p->min_hop_km && km > p->airliner_kmh * hours;
}

#define DAY_MIN (24 * 60)

/* Whether the local times of UTC minute-of-day m at every offset of span sp (an arc
 * of the clock from m + lo to m + hi) meet the working day (the arc from
 * RULES_WORKDAY_START_MIN to RULES_WORKDAY_END_MIN): two arcs of a circle meet when
 * either starts inside the other. */
static int span_meets_workday(const country_tz_span *sp, int m)
{
    int start = ((m + sp->lo_min) % DAY_MIN + DAY_MIN) % DAY_MIN;
    int len = sp->hi_min - sp->lo_min;
    int work_len = RULES_WORKDAY_END_MIN - RULES_WORKDAY_START_MIN;
    int work_after_start = ((RULES_WORKDAY_START_MIN - start) % DAY_MIN + DAY_MIN) % DAY_MIN;
    int start_after_work = ((start - RULES_WORKDAY_START_MIN) % DAY_MIN + DAY_MIN) % DAY_MIN;
    return work_after_start <= len || start_after_work < work_len;
}

int rules_login_in_hours(const detect_params *p, int64_t ts, const char *claim,
                         const ip_attr *ia)
{
    int64_t day_ms = (int64_t)DAY_MIN * 60000;
    int m = (int)(((ts % day_ms) + day_ms) % day_ms / 60000);
    const country_tz_span *sp = claim[0] ? country_tz_find(claim) : NULL;
    if (sp && span_meets_workday(sp, m))
        return 1;
    if (!ia || !ia->country[0] || rules_anon_ip(p, ia))
        return 0;
    /* The City database's zone, where it gave one, says more than the country's
     * span: a Chicago address is not in hours at New York's or Honolulu's. */
    sp = ia->tz ? country_tz_zone(ia->country, ia->tz) : NULL;
    if (!sp)
        sp = country_tz_find(ia->country);
    return !sp || span_meets_workday(sp, m);
}
