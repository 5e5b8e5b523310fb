/* rules.c - the per-event tests behind the red flags; see rules.h. */
#include "algorithms/rules.h"

int rules_high_risk_country(const detect_params *p, const char *cc)
{
    if (!cc[0])
        return 0;
    for (size_t i = 0; i < p->n_high_risk; i++)
        if (!strcmp(p->high_risk[i], cc))
            return 1;
    return 0;
}
