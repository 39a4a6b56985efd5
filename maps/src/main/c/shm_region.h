/* memfd-backed shared memory: creation, mapping, and the back-to-back double mapping that ring
 * buffers need. */
#ifndef BPFTIME_SHM_REGION_H
#define BPFTIME_SHM_REGION_H

#include <stdint.h>

/* A new memfd of `size` bytes, mode 0600, every page allocated now (so that no later store can
 * SIGBUS on exhausted memory) and sealed against resizing. 0 or -ENOMEM/-errno. */
int shm_create(const char *name, uint64_t size, int *fd_out);
/* The size of an existing memfd, or -errno. */
int64_t shm_size(int fd);
/* mmap(MAP_SHARED) of [off, off + len), or NULL with errno set. */
void *shm_map(int fd, uint64_t off, uint64_t len);
/* Maps [head_off, head_off + head_len) and then [data_off, data_off + data_len) twice, all
 * contiguous: head | data | data. Returns the start, or NULL with errno set. */
void *shm_map_double(int fd, uint64_t head_off, uint64_t head_len, uint64_t data_off, uint64_t data_len);

#endif
