/* The process-local handle on a map object and what the per-type files share. */
#ifndef BPFTIME_MAP_INTERNAL_H
#define BPFTIME_MAP_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/bpf.h>

#include "bpftime_map.h"
#include "map_layout.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's internal "not supported", which bpf() returns as is */
#endif

#define ROUND_UP8(x) (((x) + 7u) & ~7u)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

struct bpftime_map {
	uint8_t *base;              /* the memfd mapped from offset 0 (ring buffer: see ringbuf.c) */
	uint64_t mapped_len;
	struct bpftime_map_header *hdr;
	int memfd;
	int eventfd;
	bool owns_fds;
	/* copies of the header, so the hot path reads no shared line it does not need */
	uint32_t type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t value_stride;
	uint32_t max_entries;
	uint32_t flags;
	uint32_t ncpus;
	int32_t spin_lock_off;
	/* hash */
	struct htab_bucket *buckets;
	uint8_t *elems;
	struct htab_freelist *freelists;
	uint32_t bucket_mask;
	uint32_t elem_size;
	uint32_t n_elems;
	uint32_t n_freelists;
	uint32_t key_stride;
	uint32_t seed;
	/* array values, ring data (first of its two mappings), perf data pages */
	uint8_t *data;
	uint64_t data_size;
	/* ring buffer */
	_Atomic uint64_t *consumer_pos;
	_Atomic uint64_t *producer_pos;
	_Atomic uint64_t *pending_pos;
	uint64_t rb_mask;
	/* perf buffer */
	void *perf_page;
};

/* Per-type operations; the dispatch in map.c picks one set by type. */
int64_t htab_region_size(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
			 uint32_t flags, uint32_t ncpus, uint32_t *n_buckets, uint32_t *n_elems,
			 uint32_t *elem_size, uint32_t *n_freelists, uint64_t *buckets_off,
			 uint64_t *elems_off, uint64_t *freelists_off);
void htab_init(struct bpftime_map *m);
void htab_attach(struct bpftime_map *m);
void *htab_lookup(struct bpftime_map *m, const void *key);
void *htab_lookup_percpu(struct bpftime_map *m, const void *key, uint32_t cpu);
long htab_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags, bool onallcpus);
long htab_delete(struct bpftime_map *m, const void *key);
int htab_sys_lookup(struct bpftime_map *m, const void *key, void *value, uint64_t flags);
int htab_get_next_key(struct bpftime_map *m, const void *key, void *next_key);
int htab_lookup_and_delete(struct bpftime_map *m, const void *key, void *value, uint64_t flags);
int htab_lookup_batch(struct bpftime_map *m, const void *in_batch, void *out_batch, void *keys,
		      void *values, uint32_t *count, uint64_t elem_flags, uint64_t flags, int do_delete);

int64_t array_region_size(uint32_t type, uint32_t value_size, uint32_t max_entries, uint32_t ncpus,
			  uint64_t *data_off, uint64_t *data_size);
void array_attach(struct bpftime_map *m);
void *array_lookup(struct bpftime_map *m, const void *key);
void *array_lookup_percpu(struct bpftime_map *m, const void *key, uint32_t cpu);
long array_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags, bool onallcpus);
int array_sys_lookup(struct bpftime_map *m, const void *key, void *value, uint64_t flags);
int array_get_next_key(struct bpftime_map *m, const void *key, void *next_key);

int64_t fd_array_region_size(uint32_t max_entries, uint64_t *data_off, uint64_t *data_size);
void fd_array_attach(struct bpftime_map *m);
int fd_array_sys_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags);
int fd_array_sys_lookup(struct bpftime_map *m, const void *key, void *value);
int fd_array_sys_delete(struct bpftime_map *m, const void *key);

int64_t stack_map_region_size(uint32_t value_size, uint32_t max_entries, uint32_t *n_buckets,
			      uint64_t *data_off, uint64_t *data_size);
void stack_map_attach(struct bpftime_map *m);
int stack_map_sys_lookup(struct bpftime_map *m, const void *key, void *value);
int stack_map_sys_delete(struct bpftime_map *m, const void *key);
int stack_map_sys_lookup_and_delete(struct bpftime_map *m, const void *key, void *value);
int stack_map_get_next_key(struct bpftime_map *m, const void *key, void *next_key);
uint32_t stack_map_count(struct bpftime_map *m);

int64_t ringbuf_region_size(uint32_t max_entries, uint64_t *data_off, uint64_t *data_size);
int ringbuf_attach(struct bpftime_map *m);
void ringbuf_detach(struct bpftime_map *m);

int64_t perfbuf_region_size(uint32_t pages, uint64_t *data_off, uint64_t *data_size);
void perfbuf_init(struct bpftime_map *m);
int perfbuf_attach(struct bpftime_map *m);
void perfbuf_detach(struct bpftime_map *m);

/* generic batch commands (kernel/bpf/syscall.c generic_map_*_batch) */
int generic_lookup_batch(struct bpftime_map *m, const void *in_batch, void *out_batch, void *keys,
			 void *values, uint32_t *count, uint64_t elem_flags);

/* value copies that skip struct bpf_spin_lock, as copy_map_value() does (include/linux/bpf.h) */
void value_copy(const struct bpftime_map *m, void *dst, const void *src);
void value_copy_locked(const struct bpftime_map *m, void *dst, const void *src, bool lock_src);
void value_zero_special(const struct bpftime_map *m, void *dst);

/* wakes a ring or perf buffer's consumer; keeps errno */
void wake_consumer(const struct bpftime_map *m);

uint32_t cpu_slot(void);
uint32_t self_tid(void);
/* kill(tid, 0) says no such thread; keeps errno (spin_lock.c) */
bool thread_is_dead(uint32_t tid);

static inline bool is_percpu_type(uint32_t t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* HASH_OF_MAPS is a HASH whose 4-byte values are inner map ids (htab_of_maps_map_ops, hashtab.c) */
static inline bool is_hash_type(uint32_t t)
{
	return t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_HASH_OF_MAPS;
}

/* the fd arrays whose slots hold object ids (IS_FD_ARRAY/IS_FD_PROG_ARRAY, kernel/bpf/syscall.c) */
static inline bool is_fd_array_type(uint32_t t)
{
	return t == BPF_MAP_TYPE_PROG_ARRAY || t == BPF_MAP_TYPE_PERF_EVENT_ARRAY || t == BPF_MAP_TYPE_CGROUP_ARRAY ||
	       t == BPF_MAP_TYPE_ARRAY_OF_MAPS;
}

static inline bool is_map_of_maps_type(uint32_t t)
{
	return t == BPF_MAP_TYPE_ARRAY_OF_MAPS || t == BPF_MAP_TYPE_HASH_OF_MAPS;
}

static inline bool is_lru_type(uint32_t t)
{
	return t == BPF_MAP_TYPE_LRU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

#endif
