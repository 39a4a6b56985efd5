/*
 * ARRAY and PERCPU_ARRAY (kernel/bpf/arraymap.c). Values start on page 1 of the memfd, each
 * round_up(value_size, 8) bytes, so an app can mmap them (BPF_F_MMAPABLE) at memfd offset 4096.
 * PERCPU_ARRAY keeps the possible-CPU slots of one index next to each other.
 */
#include "bpftime_gpr_only.h"
#include "bpftime_map_inline.h"
#include "map_internal.h"

int64_t array_region_size(uint32_t type, uint32_t value_size, uint32_t max_entries, uint32_t ncpus,
			  uint64_t *data_off, uint64_t *data_size)
{
	if (max_entries == 0 || value_size == 0)
		return -EINVAL;
	uint64_t stride = ROUND_UP8((uint64_t)value_size);
	uint64_t bytes = (uint64_t)max_entries * stride * (type == BPF_MAP_TYPE_PERCPU_ARRAY ? ncpus : 1);
	*data_off = BPFTIME_PAGE;
	*data_size = (bytes + BPFTIME_PAGE - 1) & ~(uint64_t)(BPFTIME_PAGE - 1);
	return (int64_t)(BPFTIME_PAGE + *data_size);
}

void array_attach(struct bpftime_map *m)
{
	m->data = m->base + m->hdr->data_off;
	m->data_size = m->hdr->data_size;
}

static inline uint8_t *slot(struct bpftime_map *m, uint32_t index, uint32_t cpu)
{
	if (m->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return m->data + ((uint64_t)index * m->ncpus + cpu) * m->value_stride;
	return m->data + (uint64_t)index * m->value_stride;
}

void *array_lookup(struct bpftime_map *m, const void *key)
{
	uint32_t index = *(const uint32_t *)key;
	if (UNLIKELY(index >= m->max_entries))
		return NULL;
	return slot(m, index, m->type == BPF_MAP_TYPE_PERCPU_ARRAY ? cpu_slot() : 0);
}

void *array_lookup_percpu(struct bpftime_map *m, const void *key, uint32_t cpu)
{
	uint32_t index = *(const uint32_t *)key;
	if (m->type != BPF_MAP_TYPE_PERCPU_ARRAY || cpu >= m->ncpus || index >= m->max_entries)
		return NULL;
	return slot(m, index, cpu);
}

/* array_map_update_elem() from a program (one CPU's slot), bpf_percpu_array_update() from the
 * syscall (all slots). */
long array_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags, bool onallcpus)
{
	uint32_t index = *(const uint32_t *)key;
	bool percpu = m->type == BPF_MAP_TYPE_PERCPU_ARRAY;
	if (percpu && onallcpus) {
		if (UNLIKELY(flags > BPF_EXIST))
			return -EINVAL;
		if (UNLIKELY(index >= m->max_entries))
			return -E2BIG;
		if (UNLIKELY(flags == BPF_NOEXIST))
			return -EEXIST;
		/* the syscall side's copy, in the function programs call: a loop, not libc (bpftime_gpr_only.h) */
		bpftime_gpr_copy(slot(m, index, 0), value, (uint64_t)m->value_stride * m->ncpus);
		return 0;
	}
	if (UNLIKELY((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	if (UNLIKELY(index >= m->max_entries))
		return -E2BIG; /* all elements were pre-allocated, cannot insert a new one */
	if (UNLIKELY(flags & BPF_NOEXIST))
		return -EEXIST; /* all elements already exist */
	if (UNLIKELY((flags & BPF_F_LOCK) && m->spin_lock_off < 0))
		return -EINVAL;
	uint8_t *v = slot(m, index, percpu ? cpu_slot() : 0);
	if (flags & BPF_F_LOCK)
		value_copy_locked(m, v, value, false);
	else
		value_copy(m, v, value);
	return 0;
}

/* bpf_map_copy_value() for arrays and bpf_percpu_array_copy() */
int array_sys_lookup(struct bpftime_map *m, const void *key, void *value, uint64_t flags)
{
	uint32_t index = *(const uint32_t *)key;
	if (index >= m->max_entries)
		return -ENOENT;
	if (m->type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		memcpy(value, slot(m, index, 0), (uint64_t)m->value_stride * m->ncpus);
		return 0;
	}
	if (flags & BPF_F_LOCK)
		value_copy_locked(m, value, slot(m, index, 0), true);
	else
		value_copy(m, value, slot(m, index, 0));
	value_zero_special(m, value);
	return 0;
}

/* array_map_get_next_key(): from no key or an index out of range, the first index */
int array_get_next_key(struct bpftime_map *m, const void *key, void *next_key)
{
	uint32_t index = key ? *(const uint32_t *)key : UINT32_MAX;
	if (index >= m->max_entries) {
		*(uint32_t *)next_key = 0;
		return 0;
	}
	if (index == m->max_entries - 1)
		return -ENOENT;
	*(uint32_t *)next_key = index + 1;
	return 0;
}

int bpftime_array_view(struct bpftime_map *m, struct bpftime_array_view *out)
{
	if (m->type != BPF_MAP_TYPE_ARRAY)
		return -EINVAL;
	out->values = m->data;
	out->stride = m->value_stride;
	out->max_entries = m->max_entries;
	return 0;
}
