/*
 * Eviction for LRU_HASH and LRU_PERCPU_HASH: an update on a full map evicts, never fails
 * (kernel/bpf/bpf_lru_list.c). The kernel keeps active/inactive lists and a reference bit that
 * lookups set; this is the same approximation of LRU as a CLOCK: a hand, one atomic counter in
 * the header, sweeps the elements; a referenced element loses its bit and is spared once, an
 * unreferenced one is unlinked from its bucket (under that bucket's lock) and reused. After
 * LRU_MAX_SPARED referenced elements in one sweep, the next linked one is taken anyway, so an
 * update never scans the whole map. Nothing here needs a lock of its own, so a process that dies
 * while evicting leaves nothing to repair.
 */
#include "htab_internal.h"

#define LRU_MAX_SPARED 1024u

struct htab_elem *lru_pop(struct bpftime_map *m)
{
	struct htab_elem *e = freelist_pop(m, FREE);
	if (e)
		return e;
	uint32_t spared = 0;
	uint64_t limit = 4ull * m->n_elems + 2 * LRU_MAX_SPARED;
	for (uint64_t step = 0; step < limit; step++) {
		uint32_t i = atomic_fetch_add_explicit(&m->hdr->lru_hand, 1, memory_order_relaxed) % m->n_elems;
		struct htab_elem *c = elem_at(m, i);
		if (atomic_load_explicit(&c->ref, memory_order_relaxed) && spared < LRU_MAX_SPARED) {
			atomic_store_explicit(&c->ref, 0, memory_order_relaxed);
			spared++;
			continue;
		}
		/* the element may be moving; the chain of the bucket its hash names is the truth */
		uint32_t b = atomic_load_explicit(&c->hash, memory_order_relaxed) & m->bucket_mask;
		if (bucket_lock(m, b) != 0)
			continue;
		bool evicted = bucket_unlink(m, b, c);
		bucket_unlock(m, b);
		if (evicted)
			return c;
		e = freelist_pop(m, FREE); /* a concurrent delete may have freed one */
		if (e)
			return e;
	}
	return NULL;
}
