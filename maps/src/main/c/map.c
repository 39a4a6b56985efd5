/*
 * Creating and opening map objects, and the dispatch of each operation to its type.
 *
 * The layout of an object is a pure function of (type, key_size, value_size, max_entries, flags,
 * ncpus): bpftime_map_open() recomputes it from the header and refuses a memfd whose header does
 * not match, so a corrupted or foreign memfd is an -EINVAL, never a wild access.
 */
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpftime_gpr_only.h"
#include "bpftime_perfbuf.h"
#include "bpftime_ringbuf.h"
#include "map_internal.h"
#include "shm_region.h"

_Static_assert(offsetof(struct bpftime_map_header, map_type) == 12, "header layout");
_Static_assert(offsetof(struct bpftime_map_header, total_size) == 40, "header layout");
_Static_assert(offsetof(struct bpftime_map_header, data_off) == 56, "header layout");
_Static_assert(offsetof(struct bpftime_map_header, buckets_off) == 88, "header layout");
_Static_assert(offsetof(struct bpftime_map_header, name) == 120, "header layout");
_Static_assert(offsetof(struct bpftime_map_header, lru_hand) == 192, "header layout");
_Static_assert(offsetof(struct bpftime_map_header, producer_lock) == 256, "header layout");
_Static_assert(offsetof(struct bpftime_map_header, lost) == 272, "header layout");
_Static_assert(sizeof(struct bpftime_map_header) <= BPFTIME_PAGE, "header fits page 0");
_Static_assert(offsetof(struct htab_elem, key) == HTAB_ELEM_HDR, "element layout");
_Static_assert(sizeof(struct htab_bucket) == 8, "bucket layout");

/* Fills the layout fields of h from its shape fields; the total size or -errno. */
static int64_t layout(struct bpftime_map_header *h)
{
	uint64_t data_off = 0, data_size = 0;
	int64_t total;
	h->value_stride = ROUND_UP8(h->value_size);
	switch (h->map_type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		total = htab_region_size(h->map_type, h->key_size, h->value_size, h->max_entries, h->map_flags,
					 h->ncpus, &h->n_buckets, &h->n_elems, &h->elem_size, &h->n_freelists,
					 &h->buckets_off, &h->elems_off, &h->freelists_off);
		break;
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		total = array_region_size(h->map_type, h->value_size, h->max_entries, h->ncpus, &data_off, &data_size);
		break;
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		total = fd_array_region_size(h->max_entries, &data_off, &data_size);
		break;
	case BPF_MAP_TYPE_STACK_TRACE:
		total = stack_map_region_size(h->value_size, h->max_entries, &h->n_buckets, &data_off, &data_size);
		break;
	case BPF_MAP_TYPE_RINGBUF:
		total = ringbuf_region_size(h->max_entries, &data_off, &data_size);
		break;
	case BPFTIME_OBJ_PERF_BUFFER:
		total = perfbuf_region_size(h->max_entries, &data_off, &data_size);
		break;
	default:
		return -EINVAL;
	}
	h->data_off = data_off;
	h->data_size = data_size;
	return total;
}

int64_t bpftime_map_region_size(uint32_t map_type, uint32_t key_size, uint32_t value_size,
				uint32_t max_entries, uint32_t map_flags)
{
	struct bpftime_map_header h = {
		.map_type = map_type,
		.key_size = key_size,
		.value_size = value_size,
		.max_entries = max_entries,
		.map_flags = map_flags,
		.ncpus = bpftime_possible_cpus(),
	};
	return layout(&h);
}

/* Fills the handle from a mapped, validated header. */
static int attach(struct bpftime_map *m)
{
	struct bpftime_map_header *h = m->hdr;
	m->type = h->map_type;
	m->key_size = h->key_size;
	m->value_size = h->value_size;
	m->value_stride = h->value_stride;
	m->max_entries = h->max_entries;
	m->flags = h->map_flags;
	m->ncpus = h->ncpus;
	m->spin_lock_off = h->spin_lock_off;
	bpftime_possible_cpus();
	if (is_hash_type(m->type))
		htab_attach(m);
	else if (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		array_attach(m);
	else if (is_fd_array_type(m->type))
		fd_array_attach(m);
	else if (m->type == BPF_MAP_TYPE_STACK_TRACE)
		stack_map_attach(m);
	else if (m->type == BPFTIME_OBJ_PERF_BUFFER)
		return perfbuf_attach(m);
	return 0;
}

static int map_all(struct bpftime_map *m, uint64_t total)
{
	if (m->type == BPF_MAP_TYPE_RINGBUF || (m->hdr && m->hdr->map_type == BPF_MAP_TYPE_RINGBUF))
		return ringbuf_attach(m);
	m->base = shm_map(m->memfd, 0, total);
	if (!m->base)
		return errno == ENOMEM ? -ENOMEM : -errno;
	m->mapped_len = total;
	m->hdr = (struct bpftime_map_header *)m->base;
	return 0;
}

static bool needs_eventfd(uint32_t type)
{
	return type == BPF_MAP_TYPE_RINGBUF || type == BPFTIME_OBJ_PERF_BUFFER;
}

int bpftime_map_create(uint32_t map_type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
		       uint32_t map_flags, int32_t spin_lock_off, uint32_t object_id, uint32_t cpu,
		       const char *name, struct bpftime_map **out)
{
	struct bpftime_map_header h = {
		.magic = BPFTIME_MAP_MAGIC,
		.format_version = BPFTIME_FORMAT_VERSION,
		.map_type = map_type,
		.key_size = key_size,
		.value_size = value_size,
		.max_entries = max_entries,
		.map_flags = map_flags,
		.ncpus = bpftime_possible_cpus(),
		.spin_lock_off = spin_lock_off,
		.object_id = object_id,
		.cpu = cpu,
	};
	if (spin_lock_off >= 0 && ((uint64_t)spin_lock_off + 4 > value_size || (spin_lock_off & 3)))
		return -EINVAL;
	if (name)
		strncpy(h.name, name, sizeof(h.name) - 1);
	int64_t total = layout(&h);
	if (total < 0)
		return (int)total;
	h.total_size = (uint64_t)total;

	struct bpftime_map *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->memfd = m->eventfd = -1;
	m->owns_fds = true;
	int err = shm_create(h.name, (uint64_t)total, &m->memfd);
	if (err)
		goto fail;
	if (needs_eventfd(map_type)) {
		m->eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (m->eventfd < 0) {
			err = -errno;
			goto fail;
		}
	}
	m->type = map_type;
	m->max_entries = max_entries;
	err = map_all(m, (uint64_t)total);
	if (err)
		goto fail;
	*m->hdr = h; /* the atomics in h are zero, as a fresh object needs */
	err = attach(m);
	if (err)
		goto fail;
	if (is_hash_type(map_type))
		htab_init(m);
	else if (map_type == BPFTIME_OBJ_PERF_BUFFER)
		perfbuf_init(m);
	*out = m;
	return 0;
fail:
	bpftime_map_close(m);
	return err;
}

/* Is this header one we could have written, for a memfd of `size` bytes? */
static int validate(const struct bpftime_map_header *mapped, uint64_t size)
{
	if (mapped->magic != BPFTIME_MAP_MAGIC || mapped->format_version != BPFTIME_FORMAT_VERSION)
		return -EINVAL;
	struct bpftime_map_header h = *mapped;
	if (h.ncpus == 0 || h.ncpus > 65536)
		return -EINVAL;
	int64_t total = layout(&h);
	if (total < 0 || (uint64_t)total != size || h.total_size != size)
		return -EINVAL;
	if (h.data_off != mapped->data_off || h.data_size != mapped->data_size ||
	    h.value_stride != mapped->value_stride || h.n_buckets != mapped->n_buckets ||
	    h.n_elems != mapped->n_elems || h.elem_size != mapped->elem_size ||
	    h.buckets_off != mapped->buckets_off || h.elems_off != mapped->elems_off ||
	    h.freelists_off != mapped->freelists_off || h.n_freelists != mapped->n_freelists)
		return -EINVAL;
	if (h.spin_lock_off >= 0 && ((uint64_t)h.spin_lock_off + 4 > h.value_size))
		return -EINVAL;
	return 0;
}

int bpftime_map_open(int memfd, int eventfd, struct bpftime_map **out)
{
	int64_t size = shm_size(memfd);
	if (size < 0)
		return (int)size;
	if (size < BPFTIME_PAGE)
		return -EINVAL;
	struct bpftime_map_header *peek = mmap(NULL, BPFTIME_PAGE, PROT_READ, MAP_SHARED, memfd, 0);
	if (peek == MAP_FAILED)
		return -errno;
	int err = validate(peek, (uint64_t)size);
	uint32_t type = peek->map_type, max_entries = peek->max_entries;
	munmap(peek, BPFTIME_PAGE);
	if (err)
		return err;
	if (needs_eventfd(type) && eventfd < 0)
		return -EINVAL;
	struct bpftime_map *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->memfd = memfd;
	m->eventfd = eventfd;
	m->type = type;
	m->max_entries = max_entries;
	err = map_all(m, (uint64_t)size);
	if (!err)
		err = attach(m);
	if (err) {
		m->owns_fds = false;
		bpftime_map_close(m);
		return err;
	}
	*out = m;
	return 0;
}

void bpftime_map_close(struct bpftime_map *m)
{
	if (!m)
		return;
	if (m->base) {
		if (m->type == BPF_MAP_TYPE_RINGBUF)
			ringbuf_detach(m);
		else if (m->type == BPFTIME_OBJ_PERF_BUFFER)
			perfbuf_detach(m);
		munmap(m->base, m->mapped_len);
	}
	if (m->owns_fds) {
		if (m->memfd >= 0)
			close(m->memfd);
		if (m->eventfd >= 0)
			close(m->eventfd);
	}
	free(m);
}

int bpftime_map_memfd(const struct bpftime_map *m) { return m->memfd; }
int bpftime_map_eventfd(const struct bpftime_map *m) { return m->eventfd; }
uint32_t bpftime_map_type(const struct bpftime_map *m) { return m->type; }
uint32_t bpftime_map_max_entries(const struct bpftime_map *m) { return m->max_entries; }
uint32_t bpftime_map_value_size(const struct bpftime_map *m) { return m->value_size; }
uint32_t bpftime_map_ncpus(const struct bpftime_map *m) { return m->ncpus; }
int64_t bpftime_map_total_size(const struct bpftime_map *m) { return (int64_t)m->hdr->total_size; }
void *bpftime_map_base(const struct bpftime_map *m) { return m->base; }
uint32_t bpftime_map_object_id(const struct bpftime_map *m) { return m->hdr->object_id; }

/* Live elements of a hash map, by walking its chains (diagnostics and tests: the hot path keeps no
 * count, the free lists bound the size as the kernel's preallocated maps do). */
uint32_t bpftime_map_count(const struct bpftime_map *m)
{
	if (m->type == BPF_MAP_TYPE_STACK_TRACE)
		return stack_map_count((struct bpftime_map *)m);
	if (!is_hash_type(m->type))
		return 0;
	uint32_t n = 0;
	for (uint32_t b = 0; b <= m->bucket_mask; b++) {
		uint32_t i = atomic_load(&m->buckets[b].head);
		while (!(i & HTAB_NULLS_BIT) && i < m->n_elems && n <= m->n_elems) {
			n++;
			i = atomic_load(&((struct htab_elem *)(m->elems + (uint64_t)i * m->elem_size))->next);
		}
	}
	return n;
}

int64_t bpftime_map_mmap_offset(const struct bpftime_map *m)
{
	if (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_RINGBUF || m->type == BPFTIME_OBJ_PERF_BUFFER)
		return (int64_t)m->hdr->data_off;
	return -EINVAL;
}

int64_t bpftime_map_mmap_size(const struct bpftime_map *m)
{
	if (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_RINGBUF || m->type == BPFTIME_OBJ_PERF_BUFFER)
		return (int64_t)m->hdr->data_size;
	return -EINVAL;
}

/* From a program's helper: a raw write (bpftime_gpr_only.h). -EAGAIN: the counter is saturated,
 * already readable. */
void wake_consumer(const struct bpftime_map *m)
{
	uint64_t one = 1;
	bpftime_raw_syscall(SYS_write, m->eventfd, (long)&one, sizeof(one), 0, 0);
}

/* ---- program side ---- */

void *bpftime_map_lookup_elem(struct bpftime_map *m, const void *key)
{
	switch (m->type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return array_lookup(m, key);
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return htab_lookup(m, key);
	default:
		return NULL;
	}
}

void *bpftime_array_lookup(struct bpftime_map *m, const void *key)
{
	uint32_t index = *(const uint32_t *)key;
	if (UNLIKELY(index >= m->max_entries))
		return NULL;
	return m->data + (uint64_t)index * m->value_stride;
}

void *bpftime_hash_lookup(struct bpftime_map *m, const void *key)
{
	return htab_lookup(m, key);
}

void *bpftime_map_lookup_percpu_elem(struct bpftime_map *m, const void *key, uint32_t cpu)
{
	if (m->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return array_lookup_percpu(m, key, cpu);
	return htab_lookup_percpu(m, key, cpu);
}

long bpftime_map_update_elem(struct bpftime_map *m, const void *key, const void *value, uint64_t flags)
{
	if (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return array_update(m, key, value, flags, false);
	if (is_hash_type(m->type) && m->type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return htab_update(m, key, value, flags, false);
	return -EINVAL; /* the verifier lets programs only look up a map of maps (check_map_func_compatibility) */
}

long bpftime_map_delete_elem(struct bpftime_map *m, const void *key)
{
	if (is_hash_type(m->type) && m->type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return htab_delete(m, key);
	return -EINVAL; /* array_map_delete_elem() */
}

/* ---- syscall side ---- */

int bpftime_map_sys_lookup(struct bpftime_map *m, const void *key, void *value, uint64_t flags)
{
	if ((flags & ~(uint64_t)BPF_F_LOCK) || ((flags & BPF_F_LOCK) && m->spin_lock_off < 0))
		return -EINVAL;
	switch (m->type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return array_sys_lookup(m, key, value, flags);
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return htab_sys_lookup(m, key, value, flags);
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		return fd_array_sys_lookup(m, key, value);
	case BPF_MAP_TYPE_STACK_TRACE:
		return stack_map_sys_lookup(m, key, value);
	default:
		return -ENOTSUPP; /* perf event and cgroup arrays have no map_fd_sys_lookup_elem; ring buffers none */
	}
}

int bpftime_map_sys_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags)
{
	if ((flags & BPF_F_LOCK) && m->spin_lock_off < 0)
		return -EINVAL;
	switch (m->type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return (int)array_update(m, key, value, flags, true);
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return (int)htab_update(m, key, value, flags, true);
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
		return fd_array_sys_update(m, key, value, flags);
	case BPF_MAP_TYPE_STACK_TRACE:
		return -EINVAL; /* stack_map_update_elem(): stacks come from bpf_get_stackid only */
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return -EINVAL; /* an id alone cannot be checked against the template: bpftime_map_of_maps_update */
	default:
		return -ENOTSUPP;
	}
}

int bpftime_map_sys_delete(struct bpftime_map *m, const void *key)
{
	switch (m->type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return -EINVAL;
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return (int)htab_delete(m, key);
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		return fd_array_sys_delete(m, key);
	case BPF_MAP_TYPE_STACK_TRACE:
		return stack_map_sys_delete(m, key);
	default:
		return -ENOTSUPP;
	}
}

int bpftime_map_sys_get_next_key(struct bpftime_map *m, const void *key, void *next_key)
{
	switch (m->type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		return array_get_next_key(m, key, next_key);
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return htab_get_next_key(m, key, next_key);
	case BPF_MAP_TYPE_STACK_TRACE:
		return stack_map_get_next_key(m, key, next_key);
	default:
		return -ENOTSUPP;
	}
}

int bpftime_map_sys_lookup_and_delete(struct bpftime_map *m, const void *key, void *value, uint64_t flags)
{
	if ((flags & ~(uint64_t)BPF_F_LOCK) || ((flags & BPF_F_LOCK) && m->spin_lock_off < 0))
		return -EINVAL;
	if (m->type == BPF_MAP_TYPE_STACK_TRACE)
		return stack_map_sys_lookup_and_delete(m, key, value);
	/* map_lookup_and_delete_elem() (kernel/bpf/syscall.c) serves the four hash types, not HASH_OF_MAPS */
	if (!is_hash_type(m->type) || m->type == BPF_MAP_TYPE_HASH_OF_MAPS)
		return -ENOTSUPP;
	return htab_lookup_and_delete(m, key, value, flags);
}

static uint64_t sys_value_size(const struct bpftime_map *m)
{
	if (is_percpu_type(m->type))
		return (uint64_t)m->value_stride * m->ncpus;
	if (is_fd_array_type(m->type))
		return 4;
	return m->value_size;
}

/* generic_map_lookup_batch(): the cursor is the last key returned */
int generic_lookup_batch(struct bpftime_map *m, const void *in_batch, void *out_batch, void *keys,
			 void *values, uint32_t *count, uint64_t elem_flags)
{
	if ((elem_flags & ~(uint64_t)BPF_F_LOCK) || ((elem_flags & BPF_F_LOCK) && m->spin_lock_off < 0))
		return -EINVAL;
	uint32_t max_count = *count;
	if (!max_count)
		return 0;
	*count = 0;
	uint64_t vsize = sys_value_size(m);
	uint8_t *buf = malloc(2ull * m->key_size);
	if (!buf)
		return -ENOMEM;
	uint8_t *key = buf, *prev_buf = buf + m->key_size;
	const void *prev = NULL;
	if (in_batch) {
		memcpy(prev_buf, in_batch, m->key_size);
		prev = prev_buf;
	}
	uint32_t cp = 0;
	int err = 0;
	while (cp < max_count) {
		err = bpftime_map_sys_get_next_key(m, prev, key);
		if (err)
			break;
		err = bpftime_map_sys_lookup(m, key, (uint8_t *)values + cp * vsize, elem_flags);
		if (err && err != -ENOENT) {
			free(buf);
			return err;
		}
		if (!err) {
			memcpy((uint8_t *)keys + (uint64_t)cp * m->key_size, key, m->key_size);
			cp++;
		}
		/* the key just read becomes the cursor; the other buffer receives the next one */
		uint8_t *t = prev_buf;
		prev_buf = key;
		key = t;
		prev = prev_buf;
	}
	*count = cp;
	if (cp)
		memcpy(out_batch, prev, m->key_size);
	free(buf);
	return err;
}

int bpftime_map_sys_lookup_batch(struct bpftime_map *m, const void *in_batch, void *out_batch, void *keys,
				 void *values, uint32_t *count, uint64_t elem_flags, uint64_t flags, int do_delete)
{
	if (is_hash_type(m->type))
		return htab_lookup_batch(m, in_batch, out_batch, keys, values, count, elem_flags, flags, do_delete);
	if (!do_delete && (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
			   m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS))
		return generic_lookup_batch(m, in_batch, out_batch, keys, values, count, elem_flags);
	return -ENOTSUPP;
}

/* generic_map_update_batch() */
int bpftime_map_sys_update_batch(struct bpftime_map *m, const void *keys, const void *values, uint32_t *count,
				 uint64_t elem_flags)
{
	if (!is_hash_type(m->type) && m->type != BPF_MAP_TYPE_ARRAY && m->type != BPF_MAP_TYPE_PERCPU_ARRAY)
		return -ENOTSUPP;
	if ((elem_flags & ~(uint64_t)BPF_F_LOCK) || ((elem_flags & BPF_F_LOCK) && m->spin_lock_off < 0))
		return -EINVAL;
	uint32_t max_count = *count;
	if (!max_count)
		return 0;
	uint64_t vsize = sys_value_size(m);
	uint32_t cp;
	int err = 0;
	for (cp = 0; cp < max_count; cp++) {
		err = bpftime_map_sys_update(m, (const uint8_t *)keys + (uint64_t)cp * m->key_size,
					     (const uint8_t *)values + cp * vsize, elem_flags);
		if (err)
			break;
	}
	*count = cp;
	return err;
}

/* generic_map_delete_batch(): hash maps only (arrays have no map_delete_batch) */
int bpftime_map_sys_delete_batch(struct bpftime_map *m, const void *keys, uint32_t *count, uint64_t elem_flags)
{
	if (!is_hash_type(m->type))
		return -ENOTSUPP;
	if ((elem_flags & ~(uint64_t)BPF_F_LOCK) || ((elem_flags & BPF_F_LOCK) && m->spin_lock_off < 0))
		return -EINVAL;
	uint32_t max_count = *count;
	if (!max_count)
		return 0;
	uint32_t cp;
	int err = 0;
	for (cp = 0; cp < max_count; cp++) {
		err = (int)htab_delete(m, (const uint8_t *)keys + (uint64_t)cp * m->key_size);
		if (err)
			break;
	}
	*count = cp;
	return err;
}
