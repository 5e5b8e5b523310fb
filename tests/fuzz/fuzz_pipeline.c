/* fuzz_pipeline.c - libFuzzer harness for a whole run in-process
 * (pipeline_run in src/pipeline.h), as `ringscan run IN -o OUT --no-geoip
 * --quiet` would do it.
 *
 * Input: optional option bytes, then sections. A section starts with a line
 * "=== NAME" (at the start of the input or after a line end) and holds the
 * bytes up to the next such line. NAME is a file written into the input
 * directory (letters, digits, '.', '_' and '-', not starting with '.', at most
 * 64 bytes, at most 10 files; other names are skipped), so one input can hold
 * accounts.csv, logins.jsonl, payouts.csv.gz (any bytes: gzip is recognised
 * by its magic number), several files for one table (logins.a.csv,
 * logins.b.csv.gz; a section name cannot hold a folder) or files that are
 * ignored.
 * The name "!config" makes the section a --config file instead. The first
 * option byte: bit 0 strict, bit 1 full_graph, bit 2 max_bad_rows = 5, bit 3
 * also run pipeline_validate, bits 4-5 added to the seed.
 *
 * Every input gets a fresh directory under $TMPDIR (inputs in in/, outputs
 * in out/), removed before returning; GeoIP lookups are off whatever the
 * config says, and SOURCE_DATE_EPOCH is fixed, so a run depends on the input
 * alone. Beyond the sanitizers the harness checks that every file a run
 * writes is valid UTF-8 without control characters other than TAB, LF and CR
 * (base/utf8.h: input strings never reach an output file as controls).
 */
#include "tests/fuzz/fuzzutil.h"

#include "base/utf8.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/error.h"
#include "src/config.h"
#include "src/pipeline.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARK "=== "
#define MARK_LEN (sizeof MARK - 1)
#define MAX_FILES 10
#define MAX_NAME 64

static int name_ok(const char *s, size_t n)
{
    if (n == 0 || n > MAX_NAME || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Offset of the next section mark at or after from, or size. */
static size_t next_mark(const uint8_t *d, size_t size, size_t from)
{
    for (size_t i = from; i + MARK_LEN <= size; i++)
        if ((i == 0 || d[i - 1] == '\n') && memcmp(d + i, MARK, MARK_LEN) == 0)
            return i;
    return size;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Writes the sections from offset at into in_dir, the first "!config" one to
 * root/config.json. Returns 1 when a config section was written. */
static int write_sections(const uint8_t *d, size_t size, size_t at, const char *in_dir,
                          const char *root)
{
    int files = 0, config = 0;
    while (at < size) {
        const uint8_t *name = d + at + MARK_LEN;
        const uint8_t *nl = memchr(name, '\n', size - at - MARK_LEN);
        size_t nlen = nl ? (size_t)(nl - name) : size - at - MARK_LEN;
        size_t body = nl ? (size_t)(nl + 1 - d) : size;
        size_t end = next_mark(d, size, body);
        char nm[MAX_NAME + 1];
        if (nlen == 7 && memcmp(name, "!config", 7) == 0 && !config) {
            free(fuzzutil_write(root, "config.json", d + body, end - body));
            config = 1;
        } else if (files < MAX_FILES && name_ok((const char *)name, nlen)) {
            memcpy(nm, name, nlen);
            nm[nlen] = '\0';
            char *p = join(in_dir, nm);
            struct stat st;
            if (stat(p, &st) != 0) { /* the first section of a name wins */
                free(fuzzutil_write(in_dir, nm, d + body, end - body));
                files++;
            }
            free(p);
        }
        at = end;
    }
    return config;
}

/* Every byte of an output file: valid UTF-8, no control but TAB, LF, CR. */
static void check_output(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fuzzutil_fail("cannot read output %s", path);
    rs_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    for (size_t i = 0; i < b.len;) {
        const unsigned char *u = (const unsigned char *)b.data + i;
        size_t l = utf8_seq_len(u, b.len - i);
        if (l == 0)
            fuzzutil_fail("%s: invalid UTF-8 at byte %zu", path, i);
        int ctl =
            l == 1 ? (u[0] < 0x20 && u[0] != '\t' && u[0] != '\n' && u[0] != '\r') || u[0] == 0x7f
                   : l == 2 && u[0] == 0xc2 && u[1] < 0xa0;
        if (ctl)
            fuzzutil_fail("%s: control character at byte %zu", path, i);
        i += l;
    }
    buf_free(&b);
}

/* Checks every regular file below dir; symlinks are not followed. */
static void check_outputs(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *p = join(dir, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                check_outputs(p);
            else if (S_ISREG(st.st_mode))
                check_output(p);
        }
        free(p);
    }
    closedir(d);
}

static void run(const rs_config *cfg, const char *in_dir, const char *out_dir, int validate)
{
    char *argv[] = {xstrdup("ringscan"), xstrdup("run"),        xstrdup(in_dir),    xstrdup("-o"),
                    xstrdup(out_dir),    xstrdup("--no-geoip"), xstrdup("--quiet"), NULL};
    run_request rq;
    memset(&rq, 0, sizeof rq);
    rq.in_dir = in_dir;
    rq.out_dir = out_dir;
    rq.cfg = cfg;
    rq.argv_given = argv;
    rq.argc = 7;
    rq.quiet = 1;
    int rc = pipeline_run(&rq);
    for (int i = 0; argv[i]; i++)
        free(argv[i]);
    if (rc != RS_EXIT_OK && rc != RS_EXIT_DATA)
        fuzzutil_fail("pipeline_run returned %d", rc);
    check_outputs(out_dir);
    if (validate) {
        table_opts to = TABLE_OPTS_INIT;
        to.max_bad_rows = UINT64_MAX;
        to.lim.max_bytes = cfg->limits.max_input_bytes;
        to.lim.max_ratio = cfg->limits.max_gzip_ratio;
        rc = pipeline_validate(in_dir, &to, cfg, 1);
        if (rc != RS_EXIT_OK && rc != RS_EXIT_DATA)
            fuzzutil_fail("pipeline_validate returned %d", rc);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        setenv("SOURCE_DATE_EPOCH", "1767225600", 1); /* bags record this run time */
        once = 1;
    }
    size_t first = next_mark(data, size, 0);
    unsigned opt = first > 0 ? data[0] : 0;
    char *root = fuzzutil_tmpdir();
    char *in_dir = join(root, "in"), *out_dir = join(root, "out"), *cfg_path = NULL;
    if (mkdir(in_dir, 0700) != 0)
        fuzzutil_fail("cannot make %s", in_dir);
    rs_config cfg;
    config_init(&cfg);
    int ok = 1;
    if (write_sections(data, size, first, in_dir, root)) {
        rs_error err = {0};
        cfg_path = join(root, "config.json");
        ok = config_load(&cfg, cfg_path, &err) == RS_OK;
    }
    if (ok) {
        for (int k = 0; k < 3; k++) { /* --no-geoip, and no database path either */
            free(cfg.geoip_path[k]);
            cfg.geoip_path[k] = NULL;
        }
        cfg.geoip_search = 0;
        cfg.strict |= opt & 1;
        cfg.full_graph |= (opt >> 1) & 1;
        if (opt & 4)
            cfg.max_bad_rows = 5;
        cfg.seed += (opt >> 4) & 3;
        run(&cfg, in_dir, out_dir, (opt >> 3) & 1);
    }
    config_free(&cfg);
    free(cfg_path);
    free(in_dir);
    free(out_dir);
    fuzzutil_rmtree(root);
    return 0;
}
