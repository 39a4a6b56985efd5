/*
 * STACK_TRACE (kernel/bpf/stackmap.c): buckets indexed by a stack's jhash2 cut to the bucket
 * count, each holding at most one stack of up to value_size / 8 instruction pointers; the bucket
 * index is the stack id. The kernel swaps preallocated buckets by pointer; in shared memory each
 * bucket is written in place under its sequence word (odd while written), which readers check as
 * a seqlock. At most max_entries buckets are full at once, as the kernel has max_entries
 * preallocated elements (a new stack beyond them is -ENOMEM).
 */
#include "map_internal.h"

#define SPIN_LIMIT (1u << 20)

struct stack_bucket {
	_Atomic uint32_t seq;
	uint32_t nr;   /* 0: empty */
	uint32_t hash;
	uint32_t pad;
	uint64_t ips[];
};

/* The first cache line of the data: how many buckets are full. */
struct stack_control {
	_Atomic uint32_t used;
};

static uint32_t round_up_pow2(uint32_t v)
{
	uint32_t p = 1;
	while (p < v)
		p <<= 1;
	return p;
}

int64_t stack_map_region_size(uint32_t value_size, uint32_t max_entries, uint32_t *n_buckets,
			      uint64_t *data_off, uint64_t *data_size)
{
	if (max_entries == 0 || value_size < 8 || value_size % 8)
		return -EINVAL;
	if (max_entries > 1u << 31)
		return -E2BIG;
	*n_buckets = round_up_pow2(max_entries);
	uint64_t bytes = BPFTIME_CACHELINE + (uint64_t)*n_buckets * (sizeof(struct stack_bucket) + value_size);
	*data_off = BPFTIME_PAGE;
	*data_size = (bytes + BPFTIME_PAGE - 1) & ~(uint64_t)(BPFTIME_PAGE - 1);
	return (int64_t)(BPFTIME_PAGE + *data_size);
}

void stack_map_attach(struct bpftime_map *m)
{
	m->data = m->base + m->hdr->data_off;
	m->data_size = m->hdr->data_size;
	m->bucket_mask = m->hdr->n_buckets - 1;
	m->elem_size = (uint32_t)sizeof(struct stack_bucket) + m->value_size;
}

static inline struct stack_control *control(struct bpftime_map *m)
{
	return (struct stack_control *)m->data;
}

static inline struct stack_bucket *bucket(struct bpftime_map *m, uint32_t id)
{
	return (struct stack_bucket *)(m->data + BPFTIME_CACHELINE + (uint64_t)id * m->elem_size);
}

static bool lock_bucket(struct stack_bucket *b, uint32_t *seq)
{
	for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
		uint32_t s = atomic_load_explicit(&b->seq, memory_order_relaxed);
		if (!(s & 1) && atomic_compare_exchange_weak_explicit(&b->seq, &s, s + 1, memory_order_acquire,
								      memory_order_relaxed)) {
			*seq = s + 1;
			return true;
		}
		__builtin_ia32_pause();
	}
	return false;
}

static inline void unlock_bucket(struct stack_bucket *b, uint32_t seq)
{
	atomic_store_explicit(&b->seq, seq + 1, memory_order_release);
}

static inline uint32_t rol32(uint32_t w, unsigned s)
{
	return (w << s) | (w >> (32 - s));
}

/* jhash2(k, n, 0) of include/linux/jhash.h (Bob Jenkins' lookup3 on 32-bit words): the hash the
 * kernel picks a stack's bucket with, so that a stack gets the id the kernel would give it. */
static uint32_t jhash2(const uint32_t *k, uint32_t n)
{
	uint32_t a, b, c;
	a = b = c = 0xdeadbeefu + (n << 2);
	while (n > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		a -= c; a ^= rol32(c, 4);  c += b;
		b -= a; b ^= rol32(a, 6);  a += c;
		c -= b; c ^= rol32(b, 8);  b += a;
		a -= c; a ^= rol32(c, 16); c += b;
		b -= a; b ^= rol32(a, 19); a += c;
		c -= b; c ^= rol32(b, 4);  b += a;
		n -= 3;
		k += 3;
	}
	switch (n) {
	case 3:
		c += k[2];
		/* fall through */
	case 2:
		b += k[1];
		/* fall through */
	case 1:
		a += k[0];
		c ^= b; c -= rol32(b, 14);
		a ^= c; a -= rol32(c, 11);
		b ^= a; b -= rol32(a, 25);
		c ^= b; c -= rol32(b, 16);
		a ^= c; a -= rol32(c, 4);
		b ^= a; b -= rol32(a, 14);
		c ^= b; c -= rol32(b, 24);
		break;
	default:
		break;
	}
	return c;
}

/* __bpf_get_stackid() after the skip: ips holds nr (1..depth) entries. */
long bpftime_stackmap_get_stackid(struct bpftime_map *m, const uint64_t *ips, uint32_t nr, uint64_t flags)
{
	if (m->type != BPF_MAP_TYPE_STACK_TRACE || nr == 0 || nr > m->value_size / 8)
		return -EINVAL;
	uint32_t hash = jhash2((const uint32_t *)ips, nr * 2);
	uint32_t id = hash & m->bucket_mask;
	struct stack_bucket *b = bucket(m, id);
	uint32_t seq;
	if (!lock_bucket(b, &seq))
		return -EBUSY;
	long ret = id;
	bool full = b->nr != 0, hash_matches = full && b->hash == hash;
	if (hash_matches && (flags & BPF_F_FAST_STACK_CMP))
		goto out;
	if (hash_matches && b->nr == nr && memcmp(b->ips, ips, (size_t)nr * 8) == 0)
		goto out;
	if (full && !(flags & BPF_F_REUSE_STACKID)) {
		ret = -EEXIST;
		goto out;
	}
	if (!full && atomic_fetch_add_explicit(&control(m)->used, 1, memory_order_relaxed) >= m->max_entries) {
		atomic_fetch_sub_explicit(&control(m)->used, 1, memory_order_relaxed);
		ret = -ENOMEM; /* no free element (pcpu_freelist_pop()) */
		goto out;
	}
	memcpy(b->ips, ips, (size_t)nr * 8);
	b->hash = hash;
	b->nr = nr;
out:
	unlock_bucket(b, seq);
	return ret;
}

/* bpf_stackmap_copy(): the stack, the rest of the value zeroed. */
int stack_map_sys_lookup(struct bpftime_map *m, const void *key, void *value)
{
	uint32_t id = *(const uint32_t *)key;
	if (id > m->bucket_mask)
		return -ENOENT;
	struct stack_bucket *b = bucket(m, id);
	for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
		uint32_t s1 = atomic_load_explicit(&b->seq, memory_order_acquire);
		if (s1 & 1) {
			__builtin_ia32_pause();
			continue;
		}
		uint32_t nr = b->nr;
		if (nr > m->value_size / 8)
			nr = m->value_size / 8;
		memcpy(value, b->ips, (size_t)nr * 8);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&b->seq, memory_order_relaxed) != s1)
			continue;
		if (nr == 0)
			return -ENOENT;
		memset((uint8_t *)value + (size_t)nr * 8, 0, m->value_size - (size_t)nr * 8);
		return 0;
	}
	return -EBUSY;
}

/* stack_map_delete_elem() */
int stack_map_sys_delete(struct bpftime_map *m, const void *key)
{
	uint32_t id = *(const uint32_t *)key;
	if (id > m->bucket_mask)
		return -E2BIG;
	struct stack_bucket *b = bucket(m, id);
	uint32_t seq;
	if (!lock_bucket(b, &seq))
		return -EBUSY;
	int ret = -ENOENT;
	if (b->nr) {
		b->nr = 0;
		atomic_fetch_sub_explicit(&control(m)->used, 1, memory_order_relaxed);
		ret = 0;
	}
	unlock_bucket(b, seq);
	return ret;
}

/* bpf_stackmap_extract(..., delete = true) (Linux 6.12 and later): the lookup and the delete in one
 * step under the bucket's lock. */
int stack_map_sys_lookup_and_delete(struct bpftime_map *m, const void *key, void *value)
{
	uint32_t id = *(const uint32_t *)key;
	if (id > m->bucket_mask)
		return -ENOENT;
	struct stack_bucket *b = bucket(m, id);
	uint32_t seq;
	if (!lock_bucket(b, &seq))
		return -EBUSY;
	int ret = -ENOENT;
	uint32_t nr = b->nr;
	if (nr) {
		memcpy(value, b->ips, (size_t)nr * 8);
		memset((uint8_t *)value + (size_t)nr * 8, 0, m->value_size - (size_t)nr * 8);
		b->nr = 0;
		atomic_fetch_sub_explicit(&control(m)->used, 1, memory_order_relaxed);
		ret = 0;
	}
	unlock_bucket(b, seq);
	return ret;
}

static inline bool bucket_full(struct bpftime_map *m, uint32_t id)
{
	return __atomic_load_n(&bucket(m, id)->nr, __ATOMIC_RELAXED) != 0;
}

/* stack_map_get_next_key(): the next full bucket after key's, from the first when key is NULL,
 * beyond the buckets or names an empty one. */
int stack_map_get_next_key(struct bpftime_map *m, const void *key, void *next_key)
{
	uint32_t n_buckets = m->bucket_mask + 1;
	uint64_t id = 0;
	if (key) {
		id = *(const uint32_t *)key;
		id = id >= n_buckets || !bucket_full(m, (uint32_t)id) ? 0 : id + 1;
	}
	while (id < n_buckets && !bucket_full(m, (uint32_t)id))
		id++;
	if (id >= n_buckets)
		return -ENOENT;
	*(uint32_t *)next_key = (uint32_t)id;
	return 0;
}

uint32_t stack_map_count(struct bpftime_map *m)
{
	return atomic_load_explicit(&control(m)->used, memory_order_relaxed);
}
