/*
 * PROG_ARRAY, PERF_EVENT_ARRAY and CGROUP_ARRAY: slots of 32-bit object ids (0 = empty) that the
 * service keeps (a program's id for tail calls, a perf buffer's id for bpf_perf_event_output, a
 * cgroup directory's inode number for bpf_current_task_under_cgroup). The kernel keeps
 * object pointers (bpf_fd_array_map_update_elem(), kernel/bpf/arraymap.c); ids are what a
 * pointer becomes in memory shared by processes.
 */
#include "map_internal.h"

int64_t fd_array_region_size(uint32_t max_entries, uint64_t *data_off, uint64_t *data_size)
{
	if (max_entries == 0)
		return -EINVAL;
	*data_off = BPFTIME_PAGE;
	*data_size = ((uint64_t)max_entries * 4 + BPFTIME_PAGE - 1) & ~(uint64_t)(BPFTIME_PAGE - 1);
	return (int64_t)(BPFTIME_PAGE + *data_size);
}

static inline _Atomic uint32_t *slot(struct bpftime_map *m, uint32_t index)
{
	return (_Atomic uint32_t *)m->data + index;
}

void fd_array_attach(struct bpftime_map *m)
{
	m->data = m->base + m->hdr->data_off;
	m->data_size = m->hdr->data_size;
}

uint32_t bpftime_fd_array_get(struct bpftime_map *m, uint32_t index)
{
	if (UNLIKELY(index >= m->max_entries))
		return 0;
	return atomic_load_explicit(slot(m, index), memory_order_acquire);
}

int fd_array_sys_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags)
{
	uint32_t index = *(const uint32_t *)key;
	if (flags != BPF_ANY)
		return -EINVAL;
	if (index >= m->max_entries)
		return -E2BIG;
	atomic_store_explicit(slot(m, index), *(const uint32_t *)value, memory_order_release);
	return 0;
}

int fd_array_sys_lookup(struct bpftime_map *m, const void *key, void *value)
{
	uint32_t index = *(const uint32_t *)key;
	uint32_t id = index < m->max_entries ? atomic_load_explicit(slot(m, index), memory_order_acquire) : 0;
	if (!id)
		return -ENOENT;
	*(uint32_t *)value = id;
	return 0;
}

int fd_array_sys_delete(struct bpftime_map *m, const void *key)
{
	uint32_t index = *(const uint32_t *)key;
	if (index >= m->max_entries)
		return -E2BIG;
	return atomic_exchange_explicit(slot(m, index), 0, memory_order_acq_rel) ? 0 : -ENOENT;
}
