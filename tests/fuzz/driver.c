/* driver.c - replays inputs through a fuzz harness without libFuzzer, so the
 * seed corpora and the regressions run as ordinary tests with any C compiler
 * (make fuzz-regress).
 *
 * Usage: fuzz_NAME FILE|DIR...  A directory stands for its regular files, in
 * name order, not recursively. Each input runs in a child process of its own,
 * so one crash does not hide the next and a sanitizer build checks leaks per
 * input: the file is read into a buffer of exactly its size (a sanitizer
 * build catches overreads) and passed to LLVMFuzzerTestOneInput. An input that
 * runs longer than FUZZ_TIMEOUT seconds (default 10, as `make fuzz` allows)
 * is killed. Children get a private TMPDIR, emptied after each input: an
 * input that passes but leaves anything there fails. Prints (on stderr) each
 * failing input and "N inputs, K failed"; exits 1 when any failed.
 */
#include "tests/fuzz/fuzzutil.h"

#include "base/alloc.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    char **v;
    size_t n, cap;
} path_list;

static void add(path_list *l, char *p)
{
    ALLOC_GROW(l->v, l->cap, l->n + 1);
    l->v[l->n++] = p;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the regular files of dir in name order. Returns 0 or -1. */
static int add_dir(path_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "driver: cannot open %s: %s\n", dir, strerror(errno));
        return -1;
    }
    size_t first = l->n;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        size_t pl = strlen(dir) + strlen(de->d_name) + 2;
        char *p = xmalloc(pl);
        snprintf(p, pl, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            add(l, p);
        else
            free(p);
    }
    closedir(d);
    qsort(l->v + first, l->n - first, sizeof *l->v, by_name);
    return 0;
}

/* The child: reads path and runs the harness on it. Never returns. */
static void child(const char *path, unsigned timeout)
{
    alarm(timeout);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "driver: cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 4096, n = 0, got;
    uint8_t *data = xmalloc(cap);
    while ((got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            data = xrealloc(data, cap *= 2);
    }
    if (ferror(f)) {
        fprintf(stderr, "driver: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    uint8_t *exact = xmalloc(n ? n : 1); /* no slack after the input */
    memcpy(exact, data, n);
    free(data);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    exit(0); /* exit, not _exit: a sanitizer's leak check runs at exit */
}

/* Removes everything in dir (the children's TMPDIR). Returns the number of
 * entries removed. */
static size_t empty_dir(const char *dir)
{
    path_list l = {NULL, 0, 0};
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            size_t pl = strlen(dir) + strlen(de->d_name) + 2;
            char *p = xmalloc(pl);
            snprintf(p, pl, "%s/%s", dir, de->d_name);
            add(&l, p);
        }
    }
    if (d)
        closedir(d);
    for (size_t i = 0; i < l.n; i++)
        fuzzutil_rmtree(l.v[i]);
    free(l.v);
    return l.n;
}

/* Runs one input in a child process. Returns 0 when it passed. */
static int run_one(const char *path, unsigned timeout, const char *tmp)
{
    fprintf(stderr, "driver: %s\n", path);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "driver: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0)
        child(path, timeout);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    size_t left = empty_dir(tmp);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && left == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        fprintf(stderr, "driver: FAIL %s: %zu temporary files or directories left\n", path, left);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        fprintf(stderr, "driver: FAIL %s: timeout (%u s)\n", path, timeout);
    else if (WIFSIGNALED(status))
        fprintf(stderr, "driver: FAIL %s: signal %d\n", path, WTERMSIG(status));
    else
        fprintf(stderr, "driver: FAIL %s: exit %d\n", path, WEXITSTATUS(status));
    return -1;
}

int main(int argc, char **argv)
{
    const char *t = getenv("FUZZ_TIMEOUT");
    char *end = NULL;
    unsigned long timeout = t && *t ? strtoul(t, &end, 10) : 10;
    if ((end && *end) || timeout == 0 || timeout > 86400) {
        fprintf(stderr, "driver: FUZZ_TIMEOUT: not a number of seconds: '%s'\n", t);
        return 2;
    }
    char *tmp = fuzzutil_tmpdir();
    setenv("TMPDIR", tmp, 1);
    path_list l = {NULL, 0, 0};
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "driver: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (add_dir(&l, argv[i]) != 0)
                rc = 1;
        } else {
            add(&l, xstrdup(argv[i]));
        }
    }
    size_t failed = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (run_one(l.v[i], (unsigned)timeout, tmp) != 0)
            failed++;
        free(l.v[i]);
    }
    free(l.v);
    fuzzutil_rmtree(tmp);
    fprintf(stderr, "driver: %zu inputs, %zu failed\n", l.n, failed);
    return rc || failed ? 1 : 0;
}
