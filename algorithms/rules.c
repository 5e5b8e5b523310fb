/* rules.c - the per-event tests behind the red flags; see rules.h. */
#include "algorithms/rules.h"

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
    const double r = 6371.0, d2r = M_PI / 180.0;
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
