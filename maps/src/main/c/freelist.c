/*
 * Free hash elements: lock-free stacks, one per possible CPU (at most 64), like the kernel's
 * pcpu_freelist (kernel/bpf/percpu_freelist.c); HASH has a second set for its spare elements. A thread pops from its CPU's stack first and
 * steals from the others when it is empty. The head word carries a tag incremented by every
 * change, so a pop that read a stale next link fails its CAS instead of corrupting the stack (ABA).
 * Crash safety: a process killed between its CAS and the use of the element leaks that one
 * element; the stack itself is always consistent.
 */
#include "htab_internal.h"

void freelist_populate(struct bpftime_map *m)
{
	/* elements [0, max_entries) are free, the rest spare; element i goes to list i % n, and walking
	 * backwards leaves each list popping in ascending order */
	uint32_t first[2 * HTAB_MAX_FREELISTS] = { 0 };
	for (uint32_t i = m->n_elems; i-- > 0;) {
		uint32_t s = i % m->n_freelists + (i >= m->max_entries ? m->n_freelists : 0);
		atomic_store_explicit(&elem_at(m, i)->fl_next, first[s], memory_order_relaxed);
		first[s] = i + 1;
	}
	uint32_t lists = m->n_elems > m->max_entries ? 2 * m->n_freelists : m->n_freelists;
	for (uint32_t s = 0; s < lists; s++)
		atomic_store_explicit(&m->freelists[s].head, first[s], memory_order_release);
}

static struct htab_elem *pop_from(struct bpftime_map *m, struct htab_freelist *fl)
{
	uint64_t head = atomic_load_explicit(&fl->head, memory_order_acquire);
	for (;;) {
		uint32_t top = (uint32_t)head;
		if (top == 0 || top > m->n_elems)
			return NULL;
		struct htab_elem *e = elem_at(m, top - 1);
		uint32_t next = atomic_load_explicit(&e->fl_next, memory_order_relaxed);
		uint64_t tag = (head >> 32) + 1;
		if (atomic_compare_exchange_weak_explicit(&fl->head, &head, (tag << 32) | next,
							  memory_order_acquire, memory_order_acquire))
			return e;
	}
}

struct htab_elem *freelist_pop(struct bpftime_map *m, enum freelist_kind kind)
{
	struct htab_freelist *lists = m->freelists + (kind == SPARE ? m->n_freelists : 0);
	uint32_t start = cpu_slot() % m->n_freelists;
	for (uint32_t k = 0; k < m->n_freelists; k++) {
		uint32_t s = start + k;
		if (s >= m->n_freelists)
			s -= m->n_freelists;
		struct htab_elem *e = pop_from(m, &lists[s]);
		if (e)
			return e;
	}
	return NULL;
}

void freelist_push(struct bpftime_map *m, struct htab_elem *e, enum freelist_kind kind)
{
	struct htab_freelist *fl = m->freelists + (kind == SPARE ? m->n_freelists : 0) + cpu_slot() % m->n_freelists;
	uint32_t me = elem_index(m, e) + 1;
	uint64_t head = atomic_load_explicit(&fl->head, memory_order_relaxed);
	for (;;) {
		atomic_store_explicit(&e->fl_next, (uint32_t)head, memory_order_relaxed);
		uint64_t tag = (head >> 32) + 1;
		if (atomic_compare_exchange_weak_explicit(&fl->head, &head, (tag << 32) | me, memory_order_release,
							  memory_order_relaxed))
			return;
	}
}
