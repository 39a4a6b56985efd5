/*
 * HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH, with the semantics of kernel/bpf/hashtab.c for
 * preallocated maps.
 *
 * Layout: n_buckets (a power of two >= max_entries) buckets of {lock word, first element index},
 * then max_entries preallocated elements (plus one spare per CPU for HASH, which replaces a value
 * by linking a fresh element, like the kernel's extra_elems). A chain ends in a nulls marker
 * naming its bucket. As in the kernel, no count is kept: a new key takes a free element, and
 * when there is none the map is full (E2BIG, or for LRU maps an eviction).
 *
 * Readers never lock: they walk a chain with acquire loads and, when they reach a nulls marker of
 * another bucket (the element they walked through was freed and reused elsewhere), start over,
 * as the kernel's lookup_nulls_elem_raw() does. Writers take the bucket lock and change a chain
 * with one release store each (link at the head, or unlink by redirecting the predecessor), so a
 * writer that dies mid-operation leaves a consistent chain.
 *
 * Memory reclamation rule (the kernel's for preallocated maps): a freed element goes back to the
 * free list at once and may be reused while a reader still looks at it. A program that holds a
 * value pointer may therefore see the value of a later key, exactly as with the kernel. Copying
 * readers (the syscall side) are exact: each element has a sequence count, odd while its
 * key/value are being rewritten, and a copy is retried when the count moved.
 */
#include <sys/random.h>

#include "bpftime_spin_lock.h"
#include "htab_internal.h"

#define KMALLOC_MAX_SIZE (1u << 22) /* x86-64: 1 << (MAX_PAGE_ORDER + PAGE_SHIFT) */
#define KERNEL_HTAB_ELEM_SIZE 48u   /* sizeof(struct htab_elem) in the kernel, for its E2BIG check */
#define KERNEL_BUCKET_SIZE 16u      /* sizeof(struct bucket) in the kernel, for its E2BIG check */

static uint64_t page_align(uint64_t x)
{
	return (x + BPFTIME_PAGE - 1) & ~(uint64_t)(BPFTIME_PAGE - 1);
}

static uint64_t line_align(uint64_t x)
{
	return (x + BPFTIME_CACHELINE - 1) & ~(uint64_t)(BPFTIME_CACHELINE - 1);
}

int64_t htab_region_size(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
			 uint32_t flags, uint32_t ncpus, uint32_t *n_buckets, uint32_t *n_elems,
			 uint32_t *elem_size, uint32_t *n_freelists, uint64_t *buckets_off,
			 uint64_t *elems_off, uint64_t *freelists_off)
{
	bool percpu = type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	if (max_entries == 0 || key_size == 0 || value_size == 0)
		return -EINVAL;
	/* htab_map_alloc_check() */
	if ((uint64_t)key_size + value_size >= KMALLOC_MAX_SIZE - KERNEL_HTAB_ELEM_SIZE)
		return -E2BIG;
	if (percpu && ROUND_UP8(value_size) > 32768u /* PCPU_MIN_UNIT_SIZE */)
		return -E2BIG;
	/* htab_map_alloc() */
	if (max_entries > (1u << 31))
		return -E2BIG;
	uint64_t nb = 1;
	while (nb < max_entries)
		nb <<= 1;
	if (nb > UINT32_MAX / KERNEL_BUCKET_SIZE)
		return -E2BIG;
	uint64_t values = percpu ? (uint64_t)ROUND_UP8(value_size) * ncpus : ROUND_UP8(value_size);
	uint64_t esize = HTAB_ELEM_HDR + ROUND_UP8(key_size) + values;
	/* a plain HASH (and HASH_OF_MAPS, the same htab) keeps spare elements for replacements */
	bool spares = type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_HASH_OF_MAPS;
	uint64_t nelems = max_entries + (spares ? ncpus : 0);
	uint32_t nfl = ncpus < HTAB_MAX_FREELISTS ? ncpus : HTAB_MAX_FREELISTS;
	uint64_t boff = BPFTIME_PAGE;
	uint64_t floff = line_align(boff + nb * sizeof(struct htab_bucket));
	uint32_t lists = spares ? 2 * nfl : nfl;
	uint64_t eoff = line_align(floff + (uint64_t)lists * sizeof(struct htab_freelist));
	uint64_t total = page_align(eoff + nelems * esize);
	*n_buckets = (uint32_t)nb;
	*n_elems = (uint32_t)nelems;
	*elem_size = (uint32_t)esize;
	*n_freelists = nfl;
	*buckets_off = boff;
	*freelists_off = floff;
	*elems_off = eoff;
	return (int64_t)total;
}

void htab_attach(struct bpftime_map *m)
{
	struct bpftime_map_header *h = m->hdr;
	m->buckets = (struct htab_bucket *)(m->base + h->buckets_off);
	m->freelists = (struct htab_freelist *)(m->base + h->freelists_off);
	m->elems = m->base + h->elems_off;
	m->bucket_mask = h->n_buckets - 1;
	m->elem_size = h->elem_size;
	m->n_elems = h->n_elems;
	m->n_freelists = h->n_freelists;
	m->key_stride = ROUND_UP8(h->key_size);
	m->seed = h->hash_seed;
}

void htab_init(struct bpftime_map *m)
{
	struct bpftime_map_header *h = m->hdr;
	uint32_t seed = 0;
	if (!(h->map_flags & BPF_F_ZERO_SEED) && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint32_t)(uintptr_t)m ^ 0x5bd1e995u;
	h->hash_seed = seed;
	htab_attach(m);
	for (uint32_t b = 0; b <= m->bucket_mask; b++)
		atomic_store_explicit(&m->buckets[b].head, HTAB_NULLS_BIT | b, memory_order_relaxed);
	for (uint32_t i = 0; i < m->n_elems; i++)
		atomic_store_explicit(&elem_at(m, i)->next, HTAB_NULLS_NONE, memory_order_relaxed);
	freelist_populate(m);
}

/* ---- chains ---- */

/* Lock-free: the kernel's lookup_nulls_elem_raw(). Indices are bounds-checked so that even a
 * corrupted map cannot make a reader leave its mapping. */
static inline __attribute__((always_inline)) struct htab_elem *lookup_nulls(struct bpftime_map *m, uint32_t hash,
									   const void *key)
{
	uint32_t b = hash & m->bucket_mask;
	for (;;) {
		uint32_t n = atomic_load_explicit(&m->buckets[b].head, memory_order_acquire);
		uint32_t steps = 0;
		while (!(n & HTAB_NULLS_BIT)) {
			if (UNLIKELY(n >= m->n_elems || ++steps > m->n_elems))
				return NULL;
			struct htab_elem *e = elem_at(m, n);
			if (atomic_load_explicit(&e->hash, memory_order_relaxed) == hash &&
			    key_equal(e->key, key, m->key_size))
				return e;
			n = atomic_load_explicit(&e->next, memory_order_acquire);
		}
		if (LIKELY((n & ~HTAB_NULLS_BIT) == b))
			return NULL;
	}
}

/* Under the bucket lock: the element with this key and the link word that points to it. */
static struct htab_elem *lookup_locked(struct bpftime_map *m, uint32_t b, uint32_t hash, const void *key,
				       _Atomic uint32_t **link_out)
{
	_Atomic uint32_t *link = &m->buckets[b].head;
	uint32_t n = atomic_load_explicit(link, memory_order_relaxed);
	uint32_t steps = 0;
	while (!(n & HTAB_NULLS_BIT) && n < m->n_elems && ++steps <= m->n_elems) {
		struct htab_elem *e = elem_at(m, n);
		if (atomic_load_explicit(&e->hash, memory_order_relaxed) == hash && key_equal(e->key, key, m->key_size)) {
			if (link_out)
				*link_out = link;
			return e;
		}
		link = &e->next;
		n = atomic_load_explicit(link, memory_order_relaxed);
	}
	return NULL;
}

static void link_head(struct bpftime_map *m, uint32_t b, struct htab_elem *e)
{
	uint32_t first = atomic_load_explicit(&m->buckets[b].head, memory_order_relaxed);
	atomic_store_explicit(&e->next, first, memory_order_relaxed);
	atomic_store_explicit(&m->buckets[b].head, elem_index(m, e), memory_order_release);
}

static void unlink_at(_Atomic uint32_t *link, struct htab_elem *e)
{
	atomic_store_explicit(link, atomic_load_explicit(&e->next, memory_order_relaxed), memory_order_release);
}

bool bucket_unlink(struct bpftime_map *m, uint32_t b, struct htab_elem *e)
{
	uint32_t target = elem_index(m, e);
	_Atomic uint32_t *link = &m->buckets[b].head;
	uint32_t n = atomic_load_explicit(link, memory_order_relaxed);
	uint32_t steps = 0;
	while (!(n & HTAB_NULLS_BIT) && n < m->n_elems && ++steps <= m->n_elems) {
		if (n == target) {
			unlink_at(link, e);
			return true;
		}
		link = &elem_at(m, n)->next;
		n = atomic_load_explicit(link, memory_order_relaxed);
	}
	return false;
}

/* A holder that died left the chain consistent (every change is one store), so a recovered lock
 * needs no repair. */
int bucket_lock(struct bpftime_map *m, uint32_t b)
{
	int rc = bpftime_lock_acquire(&m->buckets[b].lock);
	return rc < 0 ? rc : 0;
}

void bucket_unlock(struct bpftime_map *m, uint32_t b)
{
	bpftime_lock_release(&m->buckets[b].lock);
}

/* ---- element contents ---- */

static void seq_begin(struct htab_elem *e)
{
	uint32_t s = atomic_load_explicit(&e->seq, memory_order_relaxed);
	atomic_store_explicit(&e->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static void seq_end(struct htab_elem *e)
{
	uint32_t s = atomic_load_explicit(&e->seq, memory_order_relaxed);
	atomic_store_explicit(&e->seq, s + 1, memory_order_release);
}

/* Per-CPU values: all slots from a syscall buffer (pcpu_copy_value(onallcpus)), or this CPU's slot
 * from a program. */
static void pcpu_copy(struct bpftime_map *m, struct htab_elem *e, const void *value, bool onallcpus)
{
	uint8_t *v = elem_value(m, e);
	if (onallcpus) { /* the syscall side, in a function programs call: a loop, not libc */
		bpftime_gpr_copy(v, value, (uint64_t)m->value_stride * m->ncpus);
		return;
	}
	bpftime_gpr_copy(v + (uint64_t)cpu_slot() * m->value_stride, value, m->value_size);
}

/* pcpu_init_value(): a new element from a program has zeroes on every other CPU. */
static void pcpu_init(struct bpftime_map *m, struct htab_elem *e, const void *value, bool onallcpus)
{
	uint8_t *v = elem_value(m, e);
	if (onallcpus) {
		bpftime_gpr_copy(v, value, (uint64_t)m->value_stride * m->ncpus);
		return;
	}
	uint32_t me = cpu_slot();
	for (uint32_t c = 0; c < m->ncpus; c++) {
		uint8_t *slot = v + (uint64_t)c * m->value_stride;
		bpftime_gpr_zero(slot, m->value_stride);
		if (c == me)
			bpftime_gpr_copy(slot, value, m->value_size);
	}
}

static void fill_key(struct bpftime_map *m, struct htab_elem *e, const void *key, uint32_t hash)
{
	bpftime_gpr_copy(e->key, key, m->key_size);
	atomic_store_explicit(&e->hash, hash, memory_order_relaxed);
}

void htab_copy_out(struct bpftime_map *m, struct htab_elem *e, void *value, uint64_t flags)
{
	uint8_t *v = elem_value(m, e);
	if (is_percpu_type(m->type)) {
		memcpy(value, v, (uint64_t)m->value_stride * m->ncpus);
		return;
	}
	if (flags & BPF_F_LOCK)
		value_copy_locked(m, value, v, true);
	else
		value_copy(m, value, v);
	value_zero_special(m, value);
}

void htab_free_elem(struct bpftime_map *m, struct htab_elem *e)
{
	freelist_push(m, e, FREE);
}

static int check_flags(struct htab_elem *l_old, uint64_t flags)
{
	if (l_old && (flags & ~BPF_F_LOCK) == BPF_NOEXIST)
		return -EEXIST;
	if (!l_old && (flags & ~BPF_F_LOCK) == BPF_EXIST)
		return -ENOENT;
	return 0;
}

/* ---- lookups ---- */

void *htab_lookup(struct bpftime_map *m, const void *key)
{
	uint32_t hash = htab_hash(key, m->key_size, m->seed);
	struct htab_elem *e = lookup_nulls(m, hash, key);
	if (!e)
		return NULL;
	if (is_lru_type(m->type) && !atomic_load_explicit(&e->ref, memory_order_relaxed))
		atomic_store_explicit(&e->ref, 1, memory_order_relaxed);
	uint8_t *v = elem_value(m, e);
	if (is_percpu_type(m->type))
		v += (uint64_t)cpu_slot() * m->value_stride;
	return v;
}

void *htab_lookup_percpu(struct bpftime_map *m, const void *key, uint32_t cpu)
{
	if (!is_percpu_type(m->type) || cpu >= m->ncpus)
		return NULL;
	uint32_t hash = htab_hash(key, m->key_size, m->seed);
	struct htab_elem *e = lookup_nulls(m, hash, key);
	if (!e)
		return NULL;
	if (is_lru_type(m->type))
		atomic_store_explicit(&e->ref, 1, memory_order_relaxed);
	return elem_value(m, e) + (uint64_t)cpu * m->value_stride;
}

static bool chain_contains(struct bpftime_map *m, uint32_t b, struct htab_elem *e)
{
	uint32_t target = elem_index(m, e), steps = 0;
	uint32_t n = atomic_load_explicit(&m->buckets[b].head, memory_order_relaxed);
	while (!(n & HTAB_NULLS_BIT) && n < m->n_elems && ++steps <= m->n_elems) {
		if (n == target)
			return true;
		n = atomic_load_explicit(&elem_at(m, n)->next, memory_order_relaxed);
	}
	return false;
}

/* A linked element is rewritten in place only under its bucket lock. If, holding that lock, its
 * sequence count is still odd, the writer died mid-rewrite: make it even again (the value is what
 * the writer left, as a crashed kernel writer would leave it), so copying readers do not spin. */
static void repair_seq(struct bpftime_map *m, struct htab_elem *e, uint32_t b)
{
	if (bucket_lock(m, b) != 0)
		return;
	uint32_t s = atomic_load_explicit(&e->seq, memory_order_relaxed);
	if ((s & 1) && chain_contains(m, b, e))
		atomic_store_explicit(&e->seq, s + 1, memory_order_release);
	bucket_unlock(m, b);
}

/* The syscall lookup: copies, without marking an LRU element (htab_lru_map_lookup_elem_sys). */
int htab_sys_lookup(struct bpftime_map *m, const void *key, void *value, uint64_t flags)
{
	uint32_t hash = htab_hash(key, m->key_size, m->seed);
	uint32_t waits = 0;
	for (;;) {
		struct htab_elem *e = lookup_nulls(m, hash, key);
		if (!e)
			return -ENOENT;
		uint32_t s1 = atomic_load_explicit(&e->seq, memory_order_acquire);
		if (s1 & 1) {
			if (++waits % 4096 == 0)
				repair_seq(m, e, hash & m->bucket_mask);
			else
				__builtin_ia32_pause();
			continue;
		}
		if (!key_equal(e->key, key, m->key_size))
			continue;
		htab_copy_out(m, e, value, flags);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&e->seq, memory_order_relaxed) == s1)
			return 0;
	}
}

int htab_get_next_key(struct bpftime_map *m, const void *key, void *next_key)
{
	uint32_t i = 0;
	if (key) {
		uint32_t hash = htab_hash(key, m->key_size, m->seed);
		struct htab_elem *e = lookup_nulls(m, hash, key);
		if (e) {
			uint32_t n = atomic_load_explicit(&e->next, memory_order_acquire);
			if (!(n & HTAB_NULLS_BIT) && n < m->n_elems) {
				memcpy(next_key, elem_at(m, n)->key, m->key_size);
				return 0;
			}
			i = (hash & m->bucket_mask) + 1;
		}
	}
	for (; i <= m->bucket_mask; i++) {
		uint32_t n = atomic_load_explicit(&m->buckets[i].head, memory_order_acquire);
		if (!(n & HTAB_NULLS_BIT) && n < m->n_elems) {
			memcpy(next_key, elem_at(m, n)->key, m->key_size);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- updates, one function per kernel update function ---- */

/* htab_map_update_elem() */
static long hash_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags)
{
	if (UNLIKELY((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	uint32_t hash = htab_hash(key, m->key_size, m->seed), b = hash & m->bucket_mask;
	struct htab_elem *l_old;
	long ret;
	if (UNLIKELY(flags & BPF_F_LOCK)) {
		if (m->spin_lock_off < 0)
			return -EINVAL;
		/* find an element without taking the bucket lock, update it in place under its own lock */
		l_old = lookup_nulls(m, hash, key);
		ret = check_flags(l_old, flags);
		if (ret)
			return ret;
		if (l_old) {
			value_copy_locked(m, elem_value(m, l_old), value, false);
			return 0;
		}
	}
	ret = bucket_lock(m, b);
	if (ret)
		return ret;
	_Atomic uint32_t *link = NULL;
	l_old = lookup_locked(m, b, hash, key, &link);
	ret = check_flags(l_old, flags);
	if (ret)
		goto out;
	if (UNLIKELY(l_old && (flags & BPF_F_LOCK))) {
		value_copy_locked(m, elem_value(m, l_old), value, false);
		goto out;
	}
	/* a new key takes a free element (none left: the map is full, alloc_htab_elem()); a
	 * replacement takes a spare one and gives the old element back as the spare */
	struct htab_elem *l_new = freelist_pop(m, l_old ? SPARE : FREE);
	if (UNLIKELY(!l_new)) {
		if (!l_old) {
			ret = -E2BIG;
			goto out;
		}
		/* every spare element is held by concurrent replacements: update in place */
		seq_begin(l_old);
		value_copy(m, elem_value(m, l_old), value);
		seq_end(l_old);
		goto out;
	}
	seq_begin(l_new);
	fill_key(m, l_new, key, hash);
	value_copy(m, elem_value(m, l_new), value);
	seq_end(l_new);
	/* the new element goes in first, so a concurrent reader finds it before the old one */
	link_head(m, b, l_new);
	if (l_old)
		unlink_at(link == &m->buckets[b].head ? &l_new->next : link, l_old);
	bucket_unlock(m, b);
	if (l_old)
		freelist_push(m, l_old, SPARE);
	return 0;
out:
	bucket_unlock(m, b);
	return ret;
}

/* __htab_percpu_map_update_elem(): an existing element is updated in place. */
static long percpu_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags,
			  bool onallcpus)
{
	if (UNLIKELY(flags > BPF_EXIST))
		return -EINVAL;
	uint32_t hash = htab_hash(key, m->key_size, m->seed), b = hash & m->bucket_mask;
	long ret = bucket_lock(m, b);
	if (ret)
		return ret;
	struct htab_elem *l_old = lookup_locked(m, b, hash, key, NULL);
	ret = check_flags(l_old, flags);
	if (ret)
		goto out;
	if (l_old) {
		seq_begin(l_old);
		pcpu_copy(m, l_old, value, onallcpus);
		seq_end(l_old);
		goto out;
	}
	struct htab_elem *l_new = freelist_pop(m, FREE);
	if (!l_new) {
		ret = -E2BIG;
		goto out;
	}
	seq_begin(l_new);
	fill_key(m, l_new, key, hash);
	pcpu_init(m, l_new, value, onallcpus);
	seq_end(l_new);
	link_head(m, b, l_new);
out:
	bucket_unlock(m, b);
	return ret;
}

/* htab_lru_map_update_elem(): the element for the new value is taken first, evicting if needed,
 * before the bucket lock (eviction takes other bucket locks). */
static long lru_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags)
{
	if (UNLIKELY(flags > BPF_EXIST))
		return -EINVAL;
	uint32_t hash = htab_hash(key, m->key_size, m->seed), b = hash & m->bucket_mask;
	struct htab_elem *l_new = lru_pop(m);
	if (!l_new)
		return -ENOMEM;
	seq_begin(l_new);
	atomic_store_explicit(&l_new->ref, 0, memory_order_relaxed);
	fill_key(m, l_new, key, hash);
	value_copy(m, elem_value(m, l_new), value);
	seq_end(l_new);
	long ret = bucket_lock(m, b);
	if (ret) {
		htab_free_elem(m, l_new);
		return ret;
	}
	_Atomic uint32_t *link = NULL;
	struct htab_elem *l_old = lookup_locked(m, b, hash, key, &link);
	ret = check_flags(l_old, flags);
	if (ret) {
		bucket_unlock(m, b);
		htab_free_elem(m, l_new);
		return ret;
	}
	link_head(m, b, l_new);
	if (l_old) {
		atomic_store_explicit(&l_new->ref, 1, memory_order_relaxed);
		unlink_at(link == &m->buckets[b].head ? &l_new->next : link, l_old);
	}
	bucket_unlock(m, b);
	if (l_old)
		htab_free_elem(m, l_old);
	return 0;
}

/* __htab_lru_percpu_map_update_elem(): an element is taken unless the flags require the key to
 * exist; an existing element is updated in place and the taken one given back. */
static long lru_percpu_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags,
			      bool onallcpus)
{
	if (UNLIKELY(flags > BPF_EXIST))
		return -EINVAL;
	uint32_t hash = htab_hash(key, m->key_size, m->seed), b = hash & m->bucket_mask;
	struct htab_elem *l_new = NULL;
	if (flags != BPF_EXIST) {
		l_new = lru_pop(m);
		if (!l_new)
			return -ENOMEM;
	}
	long ret = bucket_lock(m, b);
	if (ret)
		goto out_free;
	struct htab_elem *l_old = lookup_locked(m, b, hash, key, NULL);
	ret = check_flags(l_old, flags);
	if (ret)
		goto out_unlock;
	if (l_old) {
		atomic_store_explicit(&l_old->ref, 1, memory_order_relaxed);
		seq_begin(l_old);
		pcpu_copy(m, l_old, value, onallcpus);
		seq_end(l_old);
	} else {
		seq_begin(l_new);
		atomic_store_explicit(&l_new->ref, 0, memory_order_relaxed);
		fill_key(m, l_new, key, hash);
		pcpu_init(m, l_new, value, onallcpus);
		seq_end(l_new);
		link_head(m, b, l_new);
		l_new = NULL;
	}
out_unlock:
	bucket_unlock(m, b);
out_free:
	if (l_new)
		htab_free_elem(m, l_new);
	return ret;
}

long htab_update(struct bpftime_map *m, const void *key, const void *value, uint64_t flags, bool onallcpus)
{
	switch (m->type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return hash_update(m, key, value, flags);
	case BPF_MAP_TYPE_PERCPU_HASH:
		return percpu_update(m, key, value, flags, onallcpus);
	case BPF_MAP_TYPE_LRU_HASH:
		return lru_update(m, key, value, flags);
	default:
		return lru_percpu_update(m, key, value, flags, onallcpus);
	}
}

/* htab_map_delete_elem() / htab_lru_map_delete_elem() */
long htab_delete(struct bpftime_map *m, const void *key)
{
	uint32_t hash = htab_hash(key, m->key_size, m->seed), b = hash & m->bucket_mask;
	long ret = bucket_lock(m, b);
	if (ret)
		return ret;
	_Atomic uint32_t *link = NULL;
	struct htab_elem *l = lookup_locked(m, b, hash, key, &link);
	if (l)
		unlink_at(link, l);
	bucket_unlock(m, b);
	if (!l)
		return -ENOENT;
	htab_free_elem(m, l);
	return 0;
}

/* __htab_map_lookup_and_delete_elem() */
int htab_lookup_and_delete(struct bpftime_map *m, const void *key, void *value, uint64_t flags)
{
	uint32_t hash = htab_hash(key, m->key_size, m->seed), b = hash & m->bucket_mask;
	int ret = bucket_lock(m, b);
	if (ret)
		return ret;
	_Atomic uint32_t *link = NULL;
	struct htab_elem *l = lookup_locked(m, b, hash, key, &link);
	if (l) {
		htab_copy_out(m, l, value, flags);
		unlink_at(link, l);
	}
	bucket_unlock(m, b);
	if (!l)
		return -ENOENT;
	htab_free_elem(m, l);
	return 0;
}
