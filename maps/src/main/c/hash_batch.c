/*
 * BPF_MAP_LOOKUP_BATCH and BPF_MAP_LOOKUP_AND_DELETE_BATCH on hash maps, with the kernel's cursor:
 * a bucket index (__htab_map_lookup_and_delete_batch(), kernel/bpf/hashtab.c). Whole buckets are
 * copied, each under its lock; a bucket that does not fit in what remains of `count` ends the
 * call (ENOSPC if nothing was copied yet), and running past the last bucket ends it with ENOENT.
 */
#include <stdlib.h>

#include "htab_internal.h"

static uint32_t chain_length(struct bpftime_map *m, uint32_t b)
{
	uint32_t n = atomic_load_explicit(&m->buckets[b].head, memory_order_acquire), len = 0;
	while (!(n & HTAB_NULLS_BIT) && n < m->n_elems && len <= m->n_elems) {
		len++;
		n = atomic_load_explicit(&elem_at(m, n)->next, memory_order_acquire);
	}
	return len;
}

int htab_lookup_batch(struct bpftime_map *m, const void *in_batch, void *out_batch, void *keys,
		      void *values, uint32_t *count, uint64_t elem_flags, uint64_t flags, int do_delete)
{
	if ((elem_flags & ~BPF_F_LOCK) || ((elem_flags & BPF_F_LOCK) && m->spin_lock_off < 0))
		return -EINVAL;
	if (flags)
		return -EINVAL;
	uint32_t max_count = *count;
	if (!max_count)
		return 0;
	*count = 0;
	uint32_t batch = 0;
	if (in_batch)
		memcpy(&batch, in_batch, sizeof(batch));
	uint32_t n_buckets = m->bucket_mask + 1;
	if (batch >= n_buckets)
		return -ENOENT;
	uint64_t vsize = is_percpu_type(m->type) ? (uint64_t)m->value_stride * m->ncpus : m->value_size;
	uint32_t total = 0;
	int ret = 0;
	struct htab_elem **to_free = NULL;
	uint32_t to_free_cap = 0;
	for (;;) {
		if (chain_length(m, batch) > 0) {
			ret = bucket_lock(m, batch);
			if (ret)
				break;
			uint32_t cnt = chain_length(m, batch);
			if (cnt > max_count - total) {
				if (total == 0)
					ret = -ENOSPC;
				bucket_unlock(m, batch);
				break;
			}
			if (do_delete && cnt > to_free_cap) {
				struct htab_elem **grown = realloc(to_free, cnt * sizeof(*grown));
				if (!grown) {
					bucket_unlock(m, batch);
					ret = -ENOMEM;
					break;
				}
				to_free = grown;
				to_free_cap = cnt;
			}
			uint32_t n = atomic_load_explicit(&m->buckets[batch].head, memory_order_relaxed);
			for (uint32_t k = 0; k < cnt; k++) {
				struct htab_elem *e = elem_at(m, n);
				memcpy((uint8_t *)keys + (uint64_t)(total + k) * m->key_size, e->key, m->key_size);
				htab_copy_out(m, e, (uint8_t *)values + (total + k) * vsize, elem_flags);
				n = atomic_load_explicit(&e->next, memory_order_relaxed);
				if (do_delete) {
					/* always the first element of the chain */
					atomic_store_explicit(&m->buckets[batch].head, n, memory_order_release);
					to_free[k] = e;
				}
			}
			bucket_unlock(m, batch);
			if (do_delete)
				for (uint32_t k = 0; k < cnt; k++)
					htab_free_elem(m, to_free[k]);
			total += cnt;
		}
		batch++;
		if (batch >= n_buckets) {
			ret = -ENOENT;
			break;
		}
	}
	free(to_free);
	memcpy(out_batch, &batch, sizeof(batch));
	*count = total;
	return ret;
}
