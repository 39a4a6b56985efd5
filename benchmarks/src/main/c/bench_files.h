/* The build outputs the figures read at run time (program files, JIT images). */
#ifndef BENCH_FILES_H
#define BENCH_FILES_H

#include <stddef.h>
#include <stdint.h>

/*
 * The path of a build output of the program: <dir>/<name><suffix>, dir the folder "bpf" beside this
 * executable (where the Makefile puts the .bin of each BPF object's .text and the Java build step
 * the .jit images), or $BPFTIME_BENCH_BPF_DIR when set. 0, or -ENAMETOOLONG / -errno.
 */
int vm_output_path(const char *name, const char *suffix, char *path, size_t path_len);

/* Reads a whole file into a malloc'd buffer; 0 or -errno with the reason in why. */
int vm_read_file(const char *path, uint8_t **data, size_t *len, char *why, size_t why_len);

#endif
