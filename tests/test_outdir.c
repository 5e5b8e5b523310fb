/* test_outdir.c - publication of a run: the runs/ layout and the single
 * "current" switch, abort, the lock, leftovers of dead runs, the upgrade of
 * an older flat layout (and refusal of files ringscan did not write), and
 * retention. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files.h"
#include "export/outdir.h"

static char *tmpdir(void)
{
    char *dir = strdup("/tmp/test_outdir.XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void put(const char *dir, const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 4096);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 4095, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int exists(const char *dir, const char *name)
{
    char p[1024];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &sb) == 0;
}

static int text_cb(FILE *f, const void *ctx)
{
    return fputs(ctx, f) < 0 ? -1 : 0;
}

/* One run writing run.json and evidence/marker with the text tag. */
static char *publish(const char *dir, const char *tag, unsigned keep)
{
    outdir *od = NULL;
    rs_error err = {0};
    outdir_opts o = {0, keep, NULL};
    assert_int_equal(outdir_begin(&od, dir, &o, &err), RS_OK);
    assert_int_equal(outdir_add_dir(od, "evidence", &err), RS_OK);
    char ev[512];
    snprintf(ev, sizeof ev, "%s/evidence", outdir_staging_path(od));
    put(ev, "marker", tag);
    assert_int_equal(outdir_write(od, "run.json", text_cb, tag, &err), RS_OK);
    char *id = strdup(outdir_run_id(od));
    assert_int_equal(outdir_commit(od, &err), RS_OK);
    outdir_free(od);
    return id;
}

static void test_outdir__publish_and_switch(void **state)
{
    (void)state;
    char *dir = tmpdir();
    char *id1 = publish(dir, "one", 0);
    char *s = slurp(dir, "run.json");
    assert_string_equal(s, "one");
    free(s);
    s = slurp(dir, "evidence/marker");
    assert_string_equal(s, "one");
    free(s);
    char *id2 = publish(dir, "two", 0);
    assert_string_not_equal(id1, id2);
    assert_true(strcmp(id1, id2) < 0); /* names sort in time order */
    s = slurp(dir, "current/evidence/marker");
    assert_string_equal(s, "two");
    free(s);
    char p[512];
    snprintf(p, sizeof p, "runs/%s/run.json", id1);
    s = slurp(dir, p); /* the earlier run is still whole */
    assert_string_equal(s, "one");
    free(s);
    struct stat sb;
    snprintf(p, sizeof p, "%s/accounts.csv", dir);
    assert_int_equal(lstat(p, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode)); /* a fixed link, even when the run had no such file */
    free(id1);
    free(id2);
    files_rmtree(dir);
    free(dir);
}

static void test_outdir__abort_keeps_previous(void **state)
{
    (void)state;
    char *dir = tmpdir();
    outdir *od = NULL;
    rs_error err = {0};
    outdir_opts o = {0, 0, NULL};
    /* A first run that fails leaves the directory as it found it. */
    assert_int_equal(outdir_begin(&od, dir, &o, &err), RS_OK);
    assert_int_equal(outdir_write(od, "run.json", text_cb, "half", &err), RS_OK);
    outdir_abort(od);
    assert_false(exists(dir, "runs"));
    assert_false(exists(dir, "current"));
    assert_false(exists(dir, ".lock"));
    char *id = publish(dir, "good", 0);
    assert_int_equal(outdir_begin(&od, dir, &o, &err), RS_OK);
    assert_int_equal(outdir_write(od, "run.json", text_cb, "half", &err), RS_OK);
    char staging[512];
    snprintf(staging, sizeof staging, "%s", outdir_staging_path(od));
    outdir_abort(od);
    assert_int_not_equal(access(staging, F_OK), 0);
    char *s = slurp(dir, "run.json");
    assert_string_equal(s, "good");
    free(s);
    free(id);
    files_rmtree(dir);
    free(dir);
}

static void test_outdir__lock(void **state)
{
    (void)state;
    char *dir = tmpdir();
    outdir *a = NULL, *b = NULL;
    rs_error err = {0};
    outdir_opts o = {0, 0, NULL};
    assert_int_equal(outdir_begin(&a, dir, &o, &err), RS_OK);
    assert_int_equal(outdir_begin(&b, dir, &o, &err), RS_E_BUSY);
    assert_null(b);
    assert_non_null(strstr(err.msg, "in use by another ringscan run"));
    outdir_abort(a);
    assert_int_equal(outdir_begin(&b, dir, &o, &err), RS_OK); /* released */
    outdir_abort(b);
    files_rmtree(dir);
    free(dir);
}

static void test_outdir__leftovers_removed(void **state)
{
    (void)state;
    char *dir = tmpdir();
    char *id = publish(dir, "one", 0);
    char p[512];
    snprintf(p, sizeof p, "%s/runs/.tmp-19990101T000000Z", dir);
    assert_int_equal(mkdir(p, 0777), 0);
    put(p, "accounts.csv", "partial");
    snprintf(p, sizeof p, "%s/.staging-1", dir); /* an older ringscan's, PID 1 */
    assert_int_equal(mkdir(p, 0777), 0);
    put(p, "rings.json", "partial");
    char *id2 = publish(dir, "two", 0);
    assert_false(exists(dir, "runs/.tmp-19990101T000000Z"));
    assert_false(exists(dir, ".staging-1"));
    free(id);
    free(id2);
    files_rmtree(dir);
    free(dir);
}

static void test_outdir__upgrade_flat_layout(void **state)
{
    (void)state;
    char *dir = tmpdir();
    put(dir, "run.json", "{\"tool\": {\"name\": \"ringscan\", \"version\": \"0.9\"}}");
    put(dir, "accounts.csv", "old accounts");
    char p[512];
    snprintf(p, sizeof p, "%s/evidence", dir);
    assert_int_equal(mkdir(p, 0777), 0);
    put(p, "marker", "old");
    char *id = publish(dir, "new", 0);
    char *s = slurp(dir, "evidence/marker");
    assert_string_equal(s, "new");
    free(s);
    /* The old outputs are kept whole as the earlier run. */
    struct stat sb;
    snprintf(p, sizeof p, "%s/runs", dir);
    size_t n = 0;
    char found[600] = "";
    DIR *d = opendir(p);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        n++;
        if (strcmp(de->d_name, id) != 0)
            snprintf(found, sizeof found, "runs/%s/accounts.csv", de->d_name);
    }
    closedir(d);
    assert_int_equal(n, 2);
    s = slurp(dir, found);
    assert_non_null(s);
    assert_string_equal(s, "old accounts");
    free(s);
    snprintf(p, sizeof p, "%s/accounts.csv", dir);
    assert_int_equal(lstat(p, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    free(id);
    files_rmtree(dir);
    free(dir);

    /* Files with output names that ringscan did not write are refused, untouched. */
    dir = tmpdir();
    put(dir, "accounts.csv", "someone's input");
    outdir *od = NULL;
    rs_error err = {0};
    outdir_opts o = {0, 0, NULL};
    assert_int_equal(outdir_begin(&od, dir, &o, &err), RS_E_IO);
    assert_non_null(strstr(err.msg, "ringscan did not write"));
    s = slurp(dir, "accounts.csv");
    assert_string_equal(s, "someone's input");
    free(s);
    files_rmtree(dir);
    free(dir);
}

static void test_outdir__retention(void **state)
{
    (void)state;
    char *dir = tmpdir();
    char *ids[4];
    for (int k = 0; k < 4; k++)
        ids[k] = publish(dir, k == 3 ? "last" : "earlier", 2);
    char p[512];
    for (int k = 0; k < 4; k++) {
        snprintf(p, sizeof p, "runs/%s", ids[k]);
        assert_int_equal(exists(dir, p), k >= 2);
        free(ids[k]);
    }
    char *s = slurp(dir, "run.json");
    assert_string_equal(s, "last");
    free(s);
    files_rmtree(dir);
    free(dir);
}

/* A run published but never committed elsewhere is taken back: current
 * returns to the run before and the run's folder goes; a run id is never
 * reused, even when a dead run's staging is removed in the same second. */
static void test_outdir__withdraw(void **state)
{
    (void)state;
    char *dir = tmpdir();
    char *id1 = publish(dir, "one", 0);
    outdir *od = NULL;
    rs_error err = {0};
    outdir_opts o = {0, 0, NULL};
    assert_int_equal(outdir_begin(&od, dir, &o, &err), RS_OK);
    assert_int_equal(outdir_write(od, "run.json", text_cb, "two", &err), RS_OK);
    char *id2 = strdup(outdir_run_id(od));
    char *prev = outdir_current_run(od);
    assert_string_equal(prev, id1);
    assert_int_equal(outdir_publish(od, &err), RS_OK);
    char *s = slurp(dir, "run.json");
    assert_string_equal(s, "two");
    free(s);
    int was = 0;
    assert_int_equal(outdir_withdraw(od, "../x", prev, &was, &err), RS_E_IO); /* not a run id */
    assert_int_equal(outdir_withdraw(od, id2, prev, &was, &err), RS_OK);
    assert_true(was);
    s = slurp(dir, "run.json");
    assert_string_equal(s, "one");
    free(s);
    char p[512];
    snprintf(p, sizeof p, "runs/%s", id2);
    assert_false(exists(dir, p));
    outdir_free(od);
    /* A dead run's staging (an id from a clock ahead): the next run's id
     * sorts after it although the staging itself is removed. */
    snprintf(p, sizeof p, "%s/runs/.tmp-29991231T235959Z", dir);
    assert_int_equal(files_mkdir_p(p), 0);
    assert_int_equal(outdir_begin(&od, dir, &o, &err), RS_OK);
    assert_string_equal(outdir_run_id(od), "29991231T235959Z-002");
    assert_false(exists(dir, "runs/.tmp-29991231T235959Z"));
    outdir_abort(od);
    free(prev);
    free(id1);
    free(id2);
    files_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outdir__publish_and_switch),
        cmocka_unit_test(test_outdir__abort_keeps_previous),
        cmocka_unit_test(test_outdir__lock),
        cmocka_unit_test(test_outdir__leftovers_removed),
        cmocka_unit_test(test_outdir__upgrade_flat_layout),
        cmocka_unit_test(test_outdir__retention),
        cmocka_unit_test(test_outdir__withdraw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
