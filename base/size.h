/* size.h - byte sizes as people write them on a command line ("512M",
 * "2GiB"), for the memory and spill limits of the configuration. */
#ifndef RINGSCAN_SIZE_H
#define RINGSCAN_SIZE_H

#include <stdint.h>

/* Parses a byte size: digits with an optional K, M, G or T suffix (powers of
 * 1024, optional trailing B or iB). Returns 0, or -1 when malformed or above
 * INT64_MAX (so that every size fits a JSON integer); *out is written only on
 * success. */
int size_parse(const char *s, uint64_t *out);

#endif
