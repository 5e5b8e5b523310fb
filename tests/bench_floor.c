/* bench_floor.c - the least time any ringscan run over these files can take:
 * the bytes read, parsed by libcsv and hashed with SHA-256, and nothing else.
 *
 *   bench_floor FILE...
 *
 * ringscan must parse every byte of its CSV input with libcsv and record
 * every input file's SHA-256 (run.json, bag-info.txt), so these two costs
 * bound any run from below, whatever the rest of the pipeline does. Three
 * passes over each file, each timed on its own, best of FLOOR_PASSES (a
 * floor is the least a pass was seen to cost on a noisy machine):
 *   read    read(2) into a 1 MiB buffer (page cache warm after the first);
 *   csv     the same, then csv_parse on each whole buffer with ringscan's
 *           options (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) and
 *           callbacks that only count: less than ringscan's line-by-line
 *           feeding costs;
 *   sha256  the same, then sha256_update (OpenSSL's libcrypto).
 * Prints a line per file and the totals; the last line, for scripts:
 *   floor read R csv C sha256 S cpu U cores N wall W
 * where U = C + S - R is the CPU no run can avoid (one read, one parse, one
 * hash) and W = U / N the wall time if it were spread perfectly over the N
 * online cores. Exit 0; 1 when a file cannot be read or is not valid CSV
 * (with its name and byte offset), 2 on bad usage.
 */
#include "base/sha256.h"
#include "base/alloc.h"
#include "base/proc.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLOOR_PASSES 3
#define FLOOR_CHUNK (1u << 20)

enum { PASS_READ, PASS_CSV, PASS_SHA, NPASS };

typedef struct {
    unsigned long long fields, rows;
} counts;

static void on_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    ((counts *)data)->fields++;
}

static void on_row(int c, void *data)
{
    (void)c;
    ((counts *)data)->rows++;
}

/* One pass of kind over path into buf; *bytes and *rows get what it saw.
 * Returns 0, or -1 after printing why. */
static int one_pass(const char *path, int kind, unsigned char *buf, unsigned long long *bytes,
                    unsigned long long *rows)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "bench_floor: %s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    struct csv_parser p;
    counts c = {0, 0};
    sha256_ctx *h = kind == PASS_SHA ? sha256_new() : NULL;
    if (kind == PASS_CSV && csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fprintf(stderr, "bench_floor: cannot initialise libcsv\n");
        close(fd);
        return -1;
    }
    int rc = 0;
    unsigned long long off = 0;
    for (;;) {
        ssize_t n = read(fd, buf, FLOOR_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "bench_floor: %s: read failed: %s\n", path, strerror(errno));
            rc = -1;
            break;
        }
        if (n == 0)
            break;
        if (kind == PASS_CSV) {
            size_t done = csv_parse(&p, buf, (size_t)n, on_field, on_row, &c);
            if (done != (size_t)n) {
                fprintf(stderr, "bench_floor: %s: byte %llu: not valid CSV: %s\n", path,
                        off + done + 1, csv_strerror(csv_error(&p)));
                rc = -1;
                break;
            }
        } else if (kind == PASS_SHA) {
            sha256_update(h, buf, (size_t)n);
        }
        off += (unsigned long long)n;
    }
    if (kind == PASS_CSV) {
        if (rc == 0 && csv_fini(&p, on_field, on_row, &c) != 0) {
            fprintf(stderr, "bench_floor: %s: unterminated quoted field at end of file\n", path);
            rc = -1;
        }
        csv_free(&p);
    }
    if (h) {
        char hex[SHA256_HEX_LEN];
        sha256_final_hex(h, hex);
        sha256_free(h);
    }
    close(fd);
    *bytes = off;
    if (kind == PASS_CSV)
        *rows = c.rows;
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_floor FILE...\n");
        return 2;
    }
    unsigned char *buf = xmalloc(FLOOR_CHUNK);
    double total[NPASS] = {0, 0, 0};
    unsigned long long all_bytes = 0, all_rows = 0;
    for (int i = 1; i < argc; i++) {
        double best[NPASS];
        unsigned long long bytes = 0, rows = 0;
        for (int k = 0; k < NPASS; k++) {
            best[k] = -1;
            for (int pass = 0; pass < FLOOR_PASSES; pass++) {
                double t0 = proc_now();
                if (one_pass(argv[i], k, buf, &bytes, &rows) != 0) {
                    free(buf);
                    return 1;
                }
                double t = proc_now() - t0;
                if (best[k] < 0 || t < best[k])
                    best[k] = t;
            }
            total[k] += best[k];
        }
        all_bytes += bytes;
        all_rows += rows;
        printf("bench_floor: %-40s %8.1f MB %9llu rows  read %.3f s  csv %.3f s  sha256 %.3f s\n",
               argv[i], (double)bytes / 1e6, rows, best[PASS_READ], best[PASS_CSV], best[PASS_SHA]);
    }
    free(buf);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    double cpu = total[PASS_CSV] + total[PASS_SHA] - total[PASS_READ];
    double mb = (double)all_bytes / 1e6;
    printf("bench_floor: all %.1f MB, %llu rows: read %.2f s; libcsv %.2f s (%.0f MB/s); "
           "SHA-256 %.2f s (%.0f MB/s)\n",
           mb, all_rows, total[PASS_READ], total[PASS_CSV],
           total[PASS_CSV] > 0 ? mb / total[PASS_CSV] : 0.0, total[PASS_SHA],
           total[PASS_SHA] > 0 ? mb / total[PASS_SHA] : 0.0);
    printf("floor read %.4f csv %.4f sha256 %.4f cpu %.4f cores %ld wall %.4f\n", total[PASS_READ],
           total[PASS_CSV], total[PASS_SHA], cpu, cores, cpu / (double)cores);
    return 0;
}
