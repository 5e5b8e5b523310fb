/* test_mapping.c - the mapping language: one case per feature (paths,
 * coalesce, filters, direction, each transform, wide to long, headerless
 * columns) and the errors (compile errors with their JSON path and hint, an
 * entry that matches nothing in a file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/mapping.h"

/* Rows produced by one apply, kept as "col=value|col=value" lines. */
typedef struct {
    table_id t;
    char rows[8][512];
    int n;
} got;

static int collect(void *ctx, const mapping_row *row)
{
    got *g = ctx;
    const table_def *td = schema_table(g->t);
    char *o = g->rows[g->n];
    o[0] = 0;
    for (size_t c = 0; c < td->ncols; c++) {
        if (!row->s[c])
            continue;
        size_t len = strlen(o);
        snprintf(o + len, 512 - len, "%s%s=%.*s", len ? "|" : "", td->cols[c].name, (int)row->n[c],
                 row->s[c]);
    }
    g->n++;
    return 0;
}

static mapping *compile(const char *spec)
{
    json_error_t je;
    json_t *j = json_loads(spec, 0, &je);
    if (!j)
        fail_msg("bad test json: %s: %s", spec, je.text);
    mapping *m = NULL;
    rs_error err = {0};
    int rc = mapping_compile(j, "test.json: sources[0]", &m, &err);
    json_decref(j);
    if (rc != RS_OK)
        fail_msg("compile failed: %s", err.msg);
    mapping_start_file(m);
    return m;
}

static const char *compile_error(const char *spec)
{
    static rs_error err;
    json_t *j = json_loads(spec, 0, NULL);
    assert_non_null(j);
    mapping *m = NULL;
    memset(&err, 0, sizeof err);
    int rc = mapping_compile(j, "test.json: sources[0]", &m, &err);
    json_decref(j);
    if (rc == RS_OK) {
        mapping_free(m);
        fail_msg("compiled: %s", spec);
    }
    assert_int_equal(rc, RS_E_CONFIG);
    assert_null(m);
    return err.msg;
}

static got apply(mapping *m, const char *record)
{
    got g;
    memset(&g, 0, sizeof g);
    g.t = mapping_table(m);
    json_t *r = json_loads(record, JSON_DECODE_ANY, NULL);
    assert_non_null(r);
    assert_int_equal(mapping_apply(m, r, collect, &g), 0);
    json_decref(r);
    return g;
}

static const char *one(mapping *m, const char *record)
{
    static got g;
    g = apply(m, record);
    assert_int_equal(g.n, 1);
    return g.rows[0];
}

#define LOGINS_HEAD "{\"name\":\"t\",\"table\":\"logins\",\"fields\":{\"ts\":\"ts\",\"ip\":\"ip\","

static void test_mapping__nested_and_literal_paths(void **state)
{
    (void)state;
    mapping *m = compile(LOGINS_HEAD "\"account_id\":\"actor.id\",\"device_id\":\"d.0.id\"}}");
    assert_string_equal(one(m, "{\"ts\":\"2026-03-01T00:00:00Z\",\"ip\":\"1.2.3.4\","
                               "\"actor\":{\"id\":\"u1\"},\"d\":[{\"id\":\"dev\"}]}"),
                        "ts=2026-03-01T00:00:00Z|account_id=u1|ip=1.2.3.4|device_id=dev");
    /* a flattened key containing the dot wins over the nested walk */
    assert_string_equal(one(m, "{\"ts\":\"x\",\"ip\":\"y\",\"actor.id\":\"flat\","
                               "\"actor\":{\"id\":\"nested\"},\"d\":[]}"),
                        "ts=x|account_id=flat|ip=y");
    rs_error err = {0};
    assert_int_equal(mapping_finish_file(m, "a.json", &err), RS_OK);
    mapping_free(m);
}

static void test_mapping__coalesce(void **state)
{
    (void)state;
    mapping *m = compile("{\"table\":\"logins\",\"fields\":{\"ts\":\"ts\",\"account_id\":\"a\","
                         "\"ip\":{\"path\":[\"client.ipAddress\",\"ip\"]}}}");
    assert_string_equal(one(m, "{\"ts\":\"t\",\"a\":\"u\",\"ip\":\"2.2.2.2\"}"),
                        "ts=t|account_id=u|ip=2.2.2.2");
    assert_string_equal(
        one(m, "{\"ts\":\"t\",\"a\":\"u\",\"client\":{\"ipAddress\":\"1.1.1.1\"},\"ip\":\"9\"}"),
        "ts=t|account_id=u|ip=1.1.1.1");
    rs_error err = {0};
    assert_int_equal(mapping_finish_file(m, "a.json", &err), RS_OK);
    mapping_free(m);
}

static void test_mapping__where(void **state)
{
    (void)state;
    mapping *m = compile(LOGINS_HEAD "\"account_id\":\"u\"},\"where\":["
                                     "{\"path\":\"type\",\"equals\":\"s\"},"
                                     "{\"path\":\"outcome.result\",\"in\":[\"SUCCESS\",\"ALLOW\"]},"
                                     "{\"path\":\"deleted_at\",\"is_null\":true},"
                                     "{\"path\":\"u\",\"not_null\":true}]}");
    const char *base = "\"ts\":\"t\",\"ip\":\"i\",\"outcome\":{\"result\":\"SUCCESS\"}";
    char rec[256];
    snprintf(rec, sizeof rec, "{%s,\"type\":\"s\",\"u\":\"a\",\"deleted_at\":null}", base);
    assert_int_equal(apply(m, rec).n, 1);
    snprintf(rec, sizeof rec, "{%s,\"type\":\"f\",\"u\":\"a\"}", base);
    assert_int_equal(apply(m, rec).n, 0);
    assert_int_equal(apply(m, rec).n, 0);
    snprintf(rec, sizeof rec, "{%s,\"type\":\"s\",\"u\":\"a\",\"deleted_at\":\"2026\"}", base);
    assert_int_equal(apply(m, rec).n, 0);
    snprintf(rec, sizeof rec, "{%s,\"type\":\"s\",\"u\":null}", base);
    assert_int_equal(apply(m, rec).n, 0);
    assert_int_equal(apply(m, "{\"type\":\"s\",\"u\":\"a\",\"outcome\":{\"result\":\"FAIL\"}}").n,
                     0);
    const mapping_tally *t = mapping_tally_of(m);
    assert_int_equal(t->records, 6);
    assert_int_equal(t->rows, 1);
    assert_int_equal(t->left_out, 5);
    assert_int_equal(t->nreasons, 4);
    assert_string_equal(t->reasons[0].reason, "type is 'f'");
    assert_int_equal(t->reasons[0].count, 2);
    assert_string_equal(t->reasons[1].reason, "deleted_at is not null");
    assert_string_equal(t->reasons[2].reason, "u is null");
    assert_string_equal(t->reasons[3].reason, "outcome.result is 'FAIL'");
    mapping_free(m);
}

static void test_mapping__direction(void **state)
{
    (void)state;
    mapping *m = compile("{\"table\":\"ratings\",\"fields\":{\"ts\":\"ts\",\"client_id\":\"a\","
                         "\"freelancer_id\":\"b\",\"stars\":\"s\"},"
                         "\"direction\":{\"path\":\"reviewer_role\",\"keep\":[\"client\"]}}");
    assert_int_equal(apply(m, "{\"ts\":\"t\",\"a\":\"c\",\"b\":\"f\",\"s\":5,"
                              "\"reviewer_role\":\"client\"}")
                         .n,
                     1);
    assert_int_equal(apply(m, "{\"ts\":\"t\",\"a\":\"c\",\"b\":\"f\",\"s\":5,"
                              "\"reviewer_role\":\"freelancer\"}")
                         .n,
                     0);
    const mapping_tally *t = mapping_tally_of(m);
    assert_int_equal(t->left_out, 1);
    assert_string_equal(t->reasons[0].reason, "reviewer_role is 'freelancer'");
    mapping_free(m);
    assert_non_null(strstr(compile_error("{\"table\":\"logins\",\"fields\":{\"ts\":\"t\","
                                         "\"account_id\":\"a\",\"ip\":\"i\"},"
                                         "\"direction\":{\"path\":\"r\",\"keep\":[\"c\"]}}"),
                           "only a ratings mapping"));
}

static void test_mapping__time_forms(void **state)
{
    (void)state;
    mapping *m = compile("{\"table\":\"logins\",\"fields\":{\"account_id\":\"a\",\"ip\":\"i\","
                         "\"ts\":{\"path\":\"t\",\"time\":\"epoch_seconds\"}}}");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":1772368496}"),
                        "ts=2026-03-01T12:34:56Z|account_id=u|ip=x");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"soon\"}"),
                        "ts=soon|account_id=u|ip=x"); /* raw: the reader reports it */
    mapping_free(m);
    m = compile("{\"table\":\"logins\",\"fields\":{\"account_id\":\"a\",\"ip\":\"i\","
                "\"ts\":{\"path\":\"t\",\"time\":\"epoch_ms\"}}}");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":1772368496250}"),
                        "ts=2026-03-01T12:34:56.250Z|account_id=u|ip=x");
    mapping_free(m);
    m = compile("{\"table\":\"logins\",\"fields\":{\"account_id\":\"a\",\"ip\":\"i\","
                "\"ts\":{\"path\":\"t\",\"time\":\"excel_serial\"}}}");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"46082.5\"}"),
                        "ts=2026-03-01T12:00:00Z|account_id=u|ip=x");
    /* as a German Excel writes it; seconds rounded, not truncated */
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"46082,5242592593\"}"),
                        "ts=2026-03-01T12:34:56Z|account_id=u|ip=x");
    mapping_free(m);
}

static void test_mapping__time_pattern_and_offsets(void **state)
{
    (void)state;
    mapping *m = compile("{\"table\":\"logins\",\"fields\":{\"account_id\":\"a\",\"ip\":\"i\","
                         "\"ts\":{\"path\":\"t\",\"time\":\"dd.mm.yyyy HH:MM\","
                         "\"utc_offset\":\"+01:00\"}}}");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"01.03.2026 13:34\"}"),
                        "ts=2026-03-01T12:34:00Z|account_id=u|ip=x");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"1.3.2026 9:05\"}"),
                        "ts=2026-03-01T08:05:00Z|account_id=u|ip=x");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"2026-03-01\"}"),
                        "ts=2026-03-01|account_id=u|ip=x");
    mapping_free(m);
    /* PostgreSQL's own offsets: +00, -05, +05:30 */
    m = compile("{\"table\":\"logins\",\"fields\":{\"account_id\":\"a\",\"ip\":\"i\","
                "\"ts\":{\"path\":\"t\",\"time\":\"iso8601\"}}}");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"2026-03-01 12:34:56+00\"}"),
                        "ts=2026-03-01T12:34:56Z|account_id=u|ip=x");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"2026-03-01 07:34:56.5-05\"}"),
                        "ts=2026-03-01T12:34:56.500Z|account_id=u|ip=x");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"2026-03-01 18:04:56+05:30\"}"),
                        "ts=2026-03-01T12:34:56Z|account_id=u|ip=x");
    mapping_free(m);
    /* utc_offset alone: applies to values without their own offset */
    m = compile("{\"table\":\"logins\",\"fields\":{\"account_id\":\"a\",\"ip\":\"i\","
                "\"ts\":{\"path\":\"t\",\"utc_offset\":\"-05\"}}}");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"2026-03-01 07:34:56\"}"),
                        "ts=2026-03-01T12:34:56Z|account_id=u|ip=x");
    assert_string_equal(one(m, "{\"a\":\"u\",\"i\":\"x\",\"t\":\"2026-03-01 12:34:56Z\"}"),
                        "ts=2026-03-01T12:34:56Z|account_id=u|ip=x");
    mapping_free(m);
}

#define PAYOUTS_HEAD                                                                               \
    "{\"table\":\"payouts\",\"fields\":{\"ts\":\"t\",\"account_id\":\"a\","                        \
    "\"destination_id\":\"d\",\"currency\":\"c\","

static void test_mapping__minor_units(void **state)
{
    (void)state;
    mapping *m = compile(PAYOUTS_HEAD "\"amount\":{\"path\":\"x\",\"minor_units\":\"currency\"}}}");
    const char *r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"usd\",\"x\":373366}");
    assert_non_null(strstr(r, "amount=3733.66"));
    r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"JPY\",\"x\":373366}");
    assert_non_null(strstr(r, "amount=373366"));
    r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"KWD\",\"x\":\"5\"}");
    assert_non_null(strstr(r, "amount=0.005"));
    mapping_free(m);
    m = compile(PAYOUTS_HEAD "\"amount\":{\"path\":\"x\",\"minor_units\":2}}}");
    r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"JPY\",\"x\":\"012.5\"}");
    assert_non_null(strstr(r, "amount=0.125"));
    r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"JPY\",\"x\":\"007\"}");
    assert_non_null(strstr(r, "amount=0.07"));
    mapping_free(m);
    assert_non_null(
        strstr(compile_error("{\"table\":\"payouts\",\"fields\":{\"ts\":\"t\",\"account_id\":\"a\","
                             "\"destination_id\":\"d\","
                             "\"amount\":{\"path\":\"x\",\"minor_units\":\"currency\"}}}"),
               "fields.amount.minor_units: \"currency\" needs fields.currency"));
}

static void test_mapping__json_numbers_shortest(void **state)
{
    (void)state;
    mapping *m = compile(PAYOUTS_HEAD "\"amount\":\"x\"}}");
    const char *r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"EUR\",\"x\":3733.66}");
    assert_non_null(strstr(r, "amount=3733.66"));
    r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"EUR\",\"x\":0.1}");
    assert_non_null(strstr(r, "amount=0.1|"));
    mapping_free(m);
}

static void test_mapping__decimal_comma(void **state)
{
    (void)state;
    mapping *m = compile(PAYOUTS_HEAD "\"amount\":{\"path\":\"x\",\"decimal_comma\":true}}}");
    const char *r =
        one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"EUR\",\"x\":\"3.733,66\"}");
    assert_non_null(strstr(r, "amount=3733.66"));
    r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"EUR\",\"x\":\"12,5\"}");
    assert_non_null(strstr(r, "amount=12.5"));
    r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"EUR\",\"x\":\"1,2,3\"}");
    assert_non_null(strstr(r, "amount=1,2,3")); /* raw: reported by the reader */
    /* a JSON number is not text in the spreadsheet's locale */
    r = one(m, "{\"t\":\"t\",\"a\":\"a\",\"d\":\"d\",\"c\":\"EUR\",\"x\":3733.66}");
    assert_non_null(strstr(r, "amount=3733.66"));
    mapping_free(m);
}

static void test_mapping__bool_values_const(void **state)
{
    (void)state;
    mapping *m = compile("{\"table\":\"bids\",\"fields\":{\"ts\":\"t\",\"freelancer_id\":\"f\","
                         "\"accepted\":{\"path\":\"acc\",\"bool\":{\"true\":[\"t\",\"ja\"],"
                         "\"false\":[\"f\",\"nein\"]}},"
                         "\"text\":{\"const\":\"cover\"},"
                         "\"client_id\":{\"path\":\"k\",\"values\":{\"x\":\"client-x\"}}}}");
    assert_string_equal(one(m, "{\"t\":\"t\",\"f\":\"f1\",\"acc\":\"t\",\"k\":\"x\"}"),
                        "ts=t|freelancer_id=f1|client_id=client-x|accepted=true|text=cover");
    assert_string_equal(one(m, "{\"t\":\"t\",\"f\":\"f1\",\"acc\":\"NEIN\",\"k\":\"y\"}"),
                        "ts=t|freelancer_id=f1|client_id=y|accepted=false|text=cover");
    mapping_free(m);
}

static void test_mapping__concat_and_null_values(void **state)
{
    (void)state;
    mapping *m = compile("{\"table\":\"accounts\",\"null_values\":[\"\\\\N\",\"NULL\"],"
                         "\"fields\":{\"account_id\":\"id\","
                         "\"display_name\":{\"concat\":[\"first\",\"last\"],\"sep\":\" \"},"
                         "\"country\":\"cc\"}}");
    assert_string_equal(
        one(m, "{\"id\":\"1\",\"first\":\"Ana\",\"last\":\"Lee\",\"cc\":\"\\\\N\"}"),
        "account_id=1|display_name=Ana Lee");
    assert_string_equal(one(m, "{\"id\":\"2\",\"first\":\"NULL\",\"last\":\"Lee\",\"cc\":\"DE\"}"),
                        "account_id=2|country=DE|display_name=Lee");
    rs_error err = {0};
    assert_int_equal(mapping_finish_file(m, "a.csv", &err), RS_OK);
    mapping_free(m);
}

static void test_mapping__attributes_wide_to_long(void **state)
{
    (void)state;
    mapping *m = compile("{\"table\":\"attributes\",\"fields\":{\"account_id\":\"uid\","
                         "\"source\":{\"const\":\"kyc\"}},\"attributes\":{"
                         "\"name\":{\"concat\":[\"first_name\",\"last_name\"]},"
                         "\"email\":\"email\",\"phone\":\"phone\"}}");
    got g = apply(m, "{\"uid\":\"u1\",\"first_name\":\"Ana\",\"last_name\":\"Lee\","
                     "\"email\":\"a@x.org\",\"phone\":\"\",\"status\":\"ok\"}");
    assert_int_equal(g.n, 2);
    assert_string_equal(g.rows[0], "account_id=u1|kind=name|value=Ana Lee|source=kyc");
    assert_string_equal(g.rows[1], "account_id=u1|kind=email|value=a@x.org|source=kyc");
    assert_int_equal(mapping_tally_of(m)->rows, 2);
    mapping_free(m);
}

static void test_mapping__headerless_columns_and_files(void **state)
{
    (void)state;
    mapping *m = compile("{\"name\":\"mysql\",\"table\":\"logins\",\"format\":\"tsv\","
                         "\"header\":false,\"columns\":[\"when\",\"who\",\"addr\"],"
                         "\"files\":[\"logins_*.txt\"],"
                         "\"fields\":{\"ts\":\"when\",\"account_id\":\"who\",\"ip\":\"addr\"}}");
    size_t n = 0;
    const char *const *cols = mapping_columns(m, &n);
    assert_int_equal(n, 3);
    assert_string_equal(cols[2], "addr");
    assert_int_equal(mapping_header(m), 0);
    assert_string_equal(mapping_format(m), "tsv");
    assert_string_equal(mapping_name(m), "mysql");
    assert_int_equal(mapping_table(m), TABLE_LOGINS);
    assert_true(mapping_matches_file(m, "logins_1.txt"));
    assert_true(mapping_matches_file(m, "logins/logins_1.txt"));
    assert_false(mapping_matches_file(m, "logins.csv"));
    mapping_free(m);
}

static void test_mapping__records_path(void **state)
{
    (void)state;
    mapping *m = compile("{\"table\":\"logins\",\"format\":\"json\",\"records\":\"data.items\","
                         "\"fields\":{\"ts\":\"t\",\"account_id\":\"a\",\"ip\":\"i\"}}");
    assert_string_equal(mapping_records(m), "data.items");
    json_t *doc = json_loads("{\"data\":{\"items\":[{\"t\":1}]}}", 0, NULL);
    const json_t *arr = mapping_path_get(doc, mapping_records(m));
    assert_true(json_is_array(arr));
    json_decref(doc);
    mapping_free(m);
}

static void test_mapping__entry_matching_nothing(void **state)
{
    (void)state;
    mapping *m = compile(LOGINS_HEAD "\"account_id\":\"user_id\"}}");
    rs_error err = {0};
    /* no record: nothing to say */
    assert_int_equal(mapping_finish_file(m, "l.json", &err), RS_OK);
    apply(m, "{\"ts\":\"t\",\"ip\":\"i\",\"userId\":\"u\"}");
    assert_int_equal(mapping_finish_file(m, "l.json", &err), RS_E_SCHEMA);
    assert_non_null(strstr(err.msg, "l.json"));
    assert_non_null(strstr(err.msg, "mapping 't'"));
    assert_non_null(strstr(err.msg, "fields.account_id"));
    assert_non_null(strstr(err.msg, "'user_id'"));
    mapping_start_file(m);
    apply(m, "{\"ts\":\"t\",\"ip\":\"i\",\"user_id\":null}");
    assert_int_equal(mapping_finish_file(m, "l.json", &err), RS_OK); /* present, null */
    mapping_free(m);
    /* an optional field may be absent from every record; the others may not */
    m = compile(LOGINS_HEAD "\"account_id\":\"a\","
                            "\"ip_country\":{\"path\":\"geo.cc\",\"optional\":true}}}");
    apply(m, "{\"ts\":\"t\",\"ip\":\"i\",\"a\":\"u\"}");
    assert_int_equal(mapping_finish_file(m, "l.json", &err), RS_OK);
    mapping_free(m);
    m = compile(LOGINS_HEAD "\"account_id\":\"a\",\"ip_country\":{\"path\":\"geo.cc\"}}}");
    apply(m, "{\"ts\":\"t\",\"ip\":\"i\",\"a\":\"u\"}");
    assert_int_equal(mapping_finish_file(m, "l.json", &err), RS_E_SCHEMA);
    mapping_free(m);
    assert_non_null(
        strstr(compile_error(LOGINS_HEAD "\"account_id\":\"a\","
                                         "\"ip_country\":{\"path\":\"g\",\"optional\":1}}}"),
               "'optional' must be true or false"));
}

static void test_mapping__compile_errors(void **state)
{
    (void)state;
    const char *e = compile_error("{\"table\":\"logins\",\"feilds\":{}}");
    assert_non_null(strstr(e, "test.json: sources[0]: feilds: unknown key"));
    assert_non_null(strstr(e, "did you mean 'fields'"));
    e = compile_error("{\"table\":\"login\",\"fields\":{}}");
    assert_non_null(strstr(e, "table: 'login' is not a contract table"));
    e = compile_error(LOGINS_HEAD "\"acount_id\":\"a\"}}");
    assert_non_null(strstr(e, "fields.acount_id: 'acount_id' is not a column"));
    assert_non_null(strstr(e, "did you mean 'account_id'"));
    e = compile_error("{\"table\":\"logins\",\"fields\":{\"ts\":\"t\",\"ip\":\"i\"}}");
    assert_non_null(strstr(e, "fields.account_id: missing"));
    e = compile_error(LOGINS_HEAD "\"account_id\":{\"path\":\"a\",\"time\":\"epoch_seconds\"}}}");
    assert_non_null(strstr(e, "fields.account_id.time: 'time' is for a time column"));
    e = compile_error(LOGINS_HEAD "\"account_id\":\"a\",\"asn\":{\"path\":\"a\",\"tim\":1}}}");
    assert_non_null(strstr(e, "fields.asn.tim: unknown key"));
    assert_non_null(strstr(e, "did you mean 'time'"));
    e = compile_error("{\"table\":\"logins\",\"fields\":{\"account_id\":\"a\",\"ip\":\"i\","
                      "\"ts\":{\"path\":\"t\",\"time\":\"epoch_second\"}}}");
    assert_non_null(strstr(e, "fields.ts.time: 'epoch_second' is not a time format"));
    assert_non_null(strstr(e, "did you mean 'epoch_seconds'"));
    e = compile_error("{\"table\":\"logins\",\"fields\":{\"account_id\":\"a\",\"ip\":\"i\","
                      "\"ts\":{\"path\":\"t\",\"time\":\"dd.mm.yyyy hh:MM\"}}}");
    assert_non_null(strstr(e, "a pattern has only"));
    e = compile_error(LOGINS_HEAD "\"account_id\":\"a\"},\"where\":[{\"path\":\"x\"}]}");
    assert_non_null(strstr(e, "where[0]: exactly one of equals"));
    e = compile_error(LOGINS_HEAD "\"account_id\":\"a\"},\"where\":[{\"path\":\"x\","
                                  "\"equals\":[\"a\"]}]}");
    assert_non_null(strstr(e, "use 'in'"));
    e = compile_error("{\"table\":\"logins\",\"header\":false,\"fields\":{}}");
    assert_non_null(strstr(e, "columns: a file without a header"));
    e = compile_error("[1]");
    assert_non_null(strstr(e, "a mapping is a JSON object"));
    e = compile_error("{\"table\":\"attributes\",\"fields\":{\"account_id\":\"a\","
                      "\"kind\":\"k\"},\"attributes\":{\"email\":\"e\"}}");
    assert_non_null(strstr(e, "fields may not give kind or value"));
    e = compile_error(PAYOUTS_HEAD "\"amount\":{\"path\":\"x\",\"minor_units\":2,"
                                   "\"decimal_comma\":true}}}");
    assert_non_null(strstr(e, "at most one of"));
}

/* MySQL's text form: escapes decoded as LOAD DATA reads them, \N kept for
 * the null-like check, only "backslash" accepted. */
static void test_mapping__backslash_escapes(void **state)
{
    (void)state;
    char out[64];
    const char *in = "a\\tb\\nc\\\\d\\0e\\\"f\\";
    size_t n = mapping_unescape(in, strlen(in), out);
    assert_int_equal(n, 11);
    assert_memory_equal(out, "a\tb\nc\\de\"f\\", 11);
    assert_int_equal(mapping_unescape("\\N", 2, out), 2);
    assert_memory_equal(out, "\\N", 2);
    mapping *m = compile("{\"table\":\"logins\",\"format\":\"tsv\",\"escapes\":\"backslash\","
                         "\"fields\":{\"ts\":\"t\",\"account_id\":\"a\",\"ip\":\"i\"}}");
    assert_int_equal(mapping_backslash_escapes(m), 1);
    mapping_free(m);
    m = compile(
        "{\"table\":\"logins\",\"fields\":{\"ts\":\"t\",\"account_id\":\"a\",\"ip\":\"i\"}}");
    assert_int_equal(mapping_backslash_escapes(m), 0);
    mapping_free(m);
    const char *e = compile_error("{\"table\":\"logins\",\"escapes\":\"mysql\","
                                  "\"fields\":{\"ts\":\"t\",\"account_id\":\"a\",\"ip\":\"i\"}}");
    assert_non_null(strstr(e, "escapes"));
    assert_non_null(strstr(e, "backslash"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping__nested_and_literal_paths),
        cmocka_unit_test(test_mapping__coalesce),
        cmocka_unit_test(test_mapping__where),
        cmocka_unit_test(test_mapping__direction),
        cmocka_unit_test(test_mapping__time_forms),
        cmocka_unit_test(test_mapping__time_pattern_and_offsets),
        cmocka_unit_test(test_mapping__minor_units),
        cmocka_unit_test(test_mapping__json_numbers_shortest),
        cmocka_unit_test(test_mapping__decimal_comma),
        cmocka_unit_test(test_mapping__bool_values_const),
        cmocka_unit_test(test_mapping__concat_and_null_values),
        cmocka_unit_test(test_mapping__attributes_wide_to_long),
        cmocka_unit_test(test_mapping__headerless_columns_and_files),
        cmocka_unit_test(test_mapping__records_path),
        cmocka_unit_test(test_mapping__entry_matching_nothing),
        cmocka_unit_test(test_mapping__compile_errors),
        cmocka_unit_test(test_mapping__backslash_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
