/*
 * ARRAY_OF_MAPS and HASH_OF_MAPS: an ARRAY_OF_MAPS is laid out as the fd arrays (u32 slots, fd_array.c),
 * a HASH_OF_MAPS as a HASH with 4-byte values (hash_map.c); in both a value is the inner map's object
 * id, 0 meaning empty. The kernel stores a struct bpf_map pointer (bpf_map_fd_get_ptr(),
 * kernel/bpf/map_in_map.c) and bpf() reads it back as the map's id (bpf_map_fd_sys_lookup_elem());
 * an id is what every process can resolve to its own handle on the inner map.
 *
 * The inner map template is the kernel's inner_map_meta: the shape of the map given as inner_map_fd
 * at creation, which every map put into a slot must match (bpf_map_meta_equal(), and
 * array_map_meta_equal() in kernel/bpf/arraymap.c for an ARRAY inner map).
 */
#include "map_internal.h"

/* The flags that stay with a map; BPF_F_RDONLY/WRONLY belong to its creating fd
 * (bpf_map_flags_retain_permanent(), include/linux/bpf.h). */
static uint32_t permanent_flags(uint32_t flags)
{
	return flags & ~(uint32_t)(BPF_F_RDONLY | BPF_F_WRONLY);
}

int bpftime_map_set_inner_template(struct bpftime_map *outer, const struct bpftime_map *inner)
{
	struct bpftime_map_header *h = outer->hdr;

	if (!is_map_of_maps_type(outer->type))
		return -EINVAL;
	/* bpf_map_meta_alloc(): one level only; a type without map_meta_equal cannot be inner */
	if (is_map_of_maps_type(inner->type))
		return -EINVAL;
	if (inner->type == BPF_MAP_TYPE_PROG_ARRAY || inner->type == BPFTIME_OBJ_PERF_BUFFER)
		return -ENOTSUPP;
	h->inner_map_type = inner->type;
	h->inner_key_size = inner->key_size;
	h->inner_value_size = inner->value_size;
	h->inner_max_entries = inner->max_entries;
	h->inner_map_flags = permanent_flags(inner->flags);
	h->inner_spin_lock_off = inner->spin_lock_off;
	return 0;
}

int bpftime_map_inner_compatible(const struct bpftime_map *outer, const struct bpftime_map *inner)
{
	const struct bpftime_map_header *h = outer->hdr;

	if (!is_map_of_maps_type(outer->type) || !h->inner_map_type)
		return -EINVAL;
	if (inner->type != h->inner_map_type || inner->key_size != h->inner_key_size ||
	    inner->value_size != h->inner_value_size || permanent_flags(inner->flags) != h->inner_map_flags ||
	    inner->spin_lock_off != h->inner_spin_lock_off)
		return -EINVAL;
	/* array_map_meta_equal(): an ARRAY's size is part of its shape unless made with BPF_F_INNER_MAP */
	if (inner->type == BPF_MAP_TYPE_ARRAY && !(h->inner_map_flags & BPF_F_INNER_MAP) &&
	    inner->max_entries != h->inner_max_entries)
		return -EINVAL;
	return 0;
}

int bpftime_map_of_maps_update(struct bpftime_map *outer, const void *key, const struct bpftime_map *inner,
			       uint64_t flags)
{
	uint32_t id;
	int err;

	if (outer->type == BPF_MAP_TYPE_ARRAY_OF_MAPS) {
		/* bpf_fd_array_map_update_elem(): flags and index come before the descriptor */
		if (flags != BPF_ANY)
			return -EINVAL;
		if (*(const uint32_t *)key >= outer->max_entries)
			return -E2BIG;
	}
	err = bpftime_map_inner_compatible(outer, inner);
	if (err)
		return err;
	id = inner->hdr->object_id;
	if (!id)
		return -EINVAL;
	if (outer->type == BPF_MAP_TYPE_ARRAY_OF_MAPS)
		return fd_array_sys_update(outer, key, &id, flags);
	return (int)htab_update(outer, key, &id, flags, true);
}

uint32_t bpftime_map_inner_id(struct bpftime_map *outer, const void *key)
{
	if (outer->type == BPF_MAP_TYPE_ARRAY_OF_MAPS)
		return bpftime_fd_array_get(outer, *(const uint32_t *)key);
	if (outer->type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		const _Atomic uint32_t *value = htab_lookup(outer, key);
		return value ? atomic_load_explicit(value, memory_order_acquire) : 0;
	}
	return 0;
}

int bpftime_map_is_of_maps(const struct bpftime_map *map)
{
	return is_map_of_maps_type(map->type);
}
