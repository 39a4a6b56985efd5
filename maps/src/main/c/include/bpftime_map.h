/*
 * Maps in shared memory: the one implementation used by the service (through JNA), the agent's
 * helpers and the shim. Every function returns 0 or a negative errno exactly as the kernel's map
 * code returns it (kernel/bpf/hashtab.c, arraymap.c); a lookup from a program returns a pointer into
 * shared memory or NULL. The binary format is documented in docs/MAP-FORMAT.md.
 *
 * Two families of operations:
 *   - program side (what a BPF helper calls): per-CPU maps read and write the calling CPU's slot;
 *   - syscall side (bpftime_map_sys_*): per-CPU values are all slots back to back, each
 *     round_up(value_size, 8) bytes, as bpf(BPF_MAP_*_ELEM) passes them.
 */
#ifndef BPFTIME_MAP_H
#define BPFTIME_MAP_H

#include <stdint.h>

#define BPFTIME_API __attribute__((visibility("default")))

/* A process-local handle on one map object; the object itself lives in a memfd. */
struct bpftime_map;

/* Object types beyond enum bpf_map_type: a per-CPU perf buffer is not a BPF map but lives in
 * shared memory the same way. */
#define BPFTIME_OBJ_PERF_BUFFER 0x10001u

/* Bytes of shared memory a map with these attributes needs, or -errno for attributes whose layout
 * cannot exist (E2BIG/EINVAL). The service checks its budget with this before creating. */
BPFTIME_API int64_t bpftime_map_region_size(uint32_t map_type, uint32_t key_size, uint32_t value_size,
					    uint32_t max_entries, uint32_t map_flags);

/* Creates the object in a new memfd (mode 0600, sealed against resizing, fully allocated so that a
 * later write can never SIGBUS) and maps it. Attribute validation beyond the layout is the
 * caller's (Java's) job; this refuses only what it cannot lay out. */
BPFTIME_API int bpftime_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size,
				   uint32_t max_entries, uint32_t map_flags, int32_t spin_lock_off,
				   uint32_t object_id, uint32_t cpu, const char *name,
				   struct bpftime_map **out);

/* Maps an existing object received as a memfd (and, for ring and perf buffers, the eventfd that
 * wakes its consumer; -1 otherwise). The handle owns neither fd: the caller keeps them. */
BPFTIME_API int bpftime_map_open(int memfd, int eventfd, struct bpftime_map **out);

/* Unmaps; for a handle from bpftime_map_create also closes the fds it created. */
BPFTIME_API void bpftime_map_close(struct bpftime_map *map);

BPFTIME_API int bpftime_map_memfd(const struct bpftime_map *map);
BPFTIME_API int bpftime_map_eventfd(const struct bpftime_map *map);
BPFTIME_API uint32_t bpftime_map_type(const struct bpftime_map *map);
BPFTIME_API uint32_t bpftime_map_max_entries(const struct bpftime_map *map);
BPFTIME_API uint32_t bpftime_map_value_size(const struct bpftime_map *map);
BPFTIME_API uint32_t bpftime_map_ncpus(const struct bpftime_map *map);
BPFTIME_API int64_t bpftime_map_total_size(const struct bpftime_map *map);
/* Where this process mapped the object (bpftime_map_total_size bytes; not for ring buffers). */
BPFTIME_API void *bpftime_map_base(const struct bpftime_map *map);
/* The id the service gave the object at creation. */
BPFTIME_API uint32_t bpftime_map_object_id(const struct bpftime_map *map);
/* Live elements of a hash map, full buckets of a STACK_TRACE (0 for other types). */
BPFTIME_API uint32_t bpftime_map_count(const struct bpftime_map *map);
/* Where the app's mmap of the map fd at offset 0 starts in the memfd, and how long it may be:
 * the page-aligned values of an ARRAY, the consumer page of a RINGBUF, the perf_event_mmap_page
 * of a perf buffer. -EINVAL for other types. */
BPFTIME_API int64_t bpftime_map_mmap_offset(const struct bpftime_map *map);
BPFTIME_API int64_t bpftime_map_mmap_size(const struct bpftime_map *map);

/* Number of possible CPUs as libbpf counts them (/sys/devices/system/cpu/possible). */
BPFTIME_API uint32_t bpftime_possible_cpus(void);
/* The per-CPU slot of the calling thread's current CPU. */
BPFTIME_API uint32_t bpftime_current_cpu_slot(void);
/* The same once bpftime_possible_cpus ran (any map open does): no initialisation, nothing but loads
 * and no libc call, for the agent's GPR-only helpers (bpftime_gpr_only.h). */
BPFTIME_API uint32_t bpftime_current_cpu_slot_ready(void);

/* ---- program side: what bpf_map_lookup_elem / update / delete do ---- */
BPFTIME_API void *bpftime_map_lookup_elem(struct bpftime_map *map, const void *key);
BPFTIME_API long bpftime_map_update_elem(struct bpftime_map *map, const void *key, const void *value,
					 uint64_t flags);
BPFTIME_API long bpftime_map_delete_elem(struct bpftime_map *map, const void *key);
/* bpf_map_lookup_percpu_elem: slot `cpu` of a per-CPU map, NULL when cpu >= possible CPUs. */
BPFTIME_API void *bpftime_map_lookup_percpu_elem(struct bpftime_map *map, const void *key, uint32_t cpu);
/* Type-specific entry points for a JIT that knows the type at link time. */
BPFTIME_API void *bpftime_array_lookup(struct bpftime_map *map, const void *key);
BPFTIME_API void *bpftime_hash_lookup(struct bpftime_map *map, const void *key);

/* ---- syscall side: what bpf(BPF_MAP_*) does below its permission checks ---- */
BPFTIME_API int bpftime_map_sys_lookup(struct bpftime_map *map, const void *key, void *value, uint64_t flags);
BPFTIME_API int bpftime_map_sys_update(struct bpftime_map *map, const void *key, const void *value,
				       uint64_t flags);
BPFTIME_API int bpftime_map_sys_delete(struct bpftime_map *map, const void *key);
/* key NULL: the first key. A key not in the map also gives the first key (hash maps). */
BPFTIME_API int bpftime_map_sys_get_next_key(struct bpftime_map *map, const void *key, void *next_key);
BPFTIME_API int bpftime_map_sys_lookup_and_delete(struct bpftime_map *map, const void *key, void *value,
						  uint64_t flags);
/* BPF_MAP_LOOKUP_BATCH / BPF_MAP_LOOKUP_AND_DELETE_BATCH. The cursor (in_batch, out_batch) is a
 * key for arrays and a u32 bucket index for hash maps, as in the kernel; *count is in/out. */
BPFTIME_API int bpftime_map_sys_lookup_batch(struct bpftime_map *map, const void *in_batch, void *out_batch,
					     void *keys, void *values, uint32_t *count,
					     uint64_t elem_flags, uint64_t flags, int do_delete);
BPFTIME_API int bpftime_map_sys_update_batch(struct bpftime_map *map, const void *keys, const void *values,
					     uint32_t *count, uint64_t elem_flags);
BPFTIME_API int bpftime_map_sys_delete_batch(struct bpftime_map *map, const void *keys, uint32_t *count,
					     uint64_t elem_flags);

/* ---- PROG_ARRAY, PERF_EVENT_ARRAY and CGROUP_ARRAY: slots hold object ids (0 = empty) ---- */
/* Program side: the id in slot `index`, 0 when empty or out of range (a tail call falls through). */
BPFTIME_API uint32_t bpftime_fd_array_get(struct bpftime_map *map, uint32_t index);

/* ---- ARRAY_OF_MAPS and HASH_OF_MAPS: values are inner map ids (0 = none) ---- */
/* Records inner's shape as the template of outer (kernel/bpf/map_in_map.c, bpf_map_meta_alloc()):
 * -EINVAL when inner is itself a map of maps, -ENOTSUPP (524) for a PROG_ARRAY. Once, at creation. */
BPFTIME_API int bpftime_map_set_inner_template(struct bpftime_map *outer, const struct bpftime_map *inner);
/* 0 when inner matches outer's template (bpf_map_meta_equal(); array_map_meta_equal() also compares
 * an ARRAY's max_entries unless the template has BPF_F_INNER_MAP), else -EINVAL. */
BPFTIME_API int bpftime_map_inner_compatible(const struct bpftime_map *outer, const struct bpftime_map *inner);
/* BPF_MAP_UPDATE_ELEM of a map of maps once the value's fd is resolved to inner: an ARRAY_OF_MAPS
 * checks flags (BPF_ANY only: -EINVAL) and index (-E2BIG) first, then the template (-EINVAL); a
 * HASH_OF_MAPS checks the template, then updates as a HASH does (-EEXIST, -ENOENT, -E2BIG). The slot
 * then holds inner's object id. bpftime_map_sys_update refuses maps of maps (-EINVAL). */
BPFTIME_API int bpftime_map_of_maps_update(struct bpftime_map *outer, const void *key,
					   const struct bpftime_map *inner, uint64_t flags);
/* Program side of bpf_map_lookup_elem on a map of maps: the inner map's id (0 when none), which the
 * caller resolves to its own handle. bpftime_map_lookup_elem returns NULL for these maps. */
BPFTIME_API uint32_t bpftime_map_inner_id(struct bpftime_map *outer, const void *key);
BPFTIME_API int bpftime_map_is_of_maps(const struct bpftime_map *map);

/* ---- STACK_TRACE ---- */
/* bpf_get_stackid's store (__bpf_get_stackid(), kernel/bpf/stackmap.c) of nr instruction pointers,
 * what is left after the skip (1..value_size/8): the stack id, or -EEXIST when another stack holds
 * its bucket (without BPF_F_REUSE_STACKID), -ENOMEM when max_entries stacks are stored, -EBUSY
 * when the bucket's writer never finished (a thread killed while writing). */
BPFTIME_API long bpftime_stackmap_get_stackid(struct bpftime_map *map, const uint64_t *ips, uint32_t nr,
					     uint64_t flags);

#endif
