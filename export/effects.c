/* effects.c - decision effects as JSON; see effects.h. */
#include "export/effects.h"

#include "base/ts.h"
#include "model/findings.h"

/* Sets key to a new string of v; 1 when set, 0 when jansson refused v. */
static int put(json_t *o, const char *key, const char *v)
{
    json_t *s = json_string(v);
    return s && json_object_set_new(o, key, s) == 0;
}

json_t *effects_json(const decision_effect *e)
{
    const decision *d = e->d;
    char at[TS_FMT_LEN];
    json_t *o = json_object();
    if (!o)
        return NULL;
    int all = put(o, "subject_type", decisions_subject_name(d->type));
    all &= put(o, "subject_id", d->id);
    all &= put(o, "decision", findings_disposition_name(d->decision));
    all &= put(o, "analyst", d->analyst);
    if (e->dated)
        all &= put(o, "decided_at", ts_format(d->decided_at, at));
    all &= put(o, "effect", e->text);
    if (!all && !e->dated) {
        json_decref(o);
        return NULL;
    }
    return o;
}

void effects_append(json_t *arr, const decision_effects *e)
{
    for (size_t i = 0; i < e->n; i++) {
        json_t *o = effects_json(&e->v[i]);
        if (o)
            json_array_append_new(arr, o);
    }
}
