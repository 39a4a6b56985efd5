/* What the hash map's files (hash_map.c, freelist.c, lru.c, hash_batch.c) share. */
#ifndef BPFTIME_HTAB_INTERNAL_H
#define BPFTIME_HTAB_INTERNAL_H

#include "bpftime_gpr_only.h"
#include "map_internal.h"

static inline struct htab_elem *elem_at(const struct bpftime_map *m, uint32_t idx)
{
	return (struct htab_elem *)(m->elems + (uint64_t)idx * m->elem_size);
}

static inline uint32_t elem_index(const struct bpftime_map *m, const struct htab_elem *e)
{
	return (uint32_t)(((const uint8_t *)e - m->elems) / m->elem_size);
}

static inline uint8_t *elem_value(const struct bpftime_map *m, struct htab_elem *e)
{
	return e->key + m->key_stride;
}

/* 64-bit multiply-rotate hash over the key, 8 bytes at a time, with a per-map random seed so that
 * chosen keys cannot all fall in one bucket. Any good hash does: iteration order is unspecified. */
static inline uint64_t hash_mix(uint64_t h, uint64_t w)
{
	h ^= w * 0x9e3779b97f4a7c15ull;
	h = (h << 31) | (h >> 33);
	return h * 0xc2b2ae3d27d4eb4full;
}

/* The last len % 8 bytes as one word, by two overlapping loads or three byte loads: a byte-wise
 * copy of a variable length would go through the stack and stall store forwarding. */
static inline uint64_t hash_tail(const uint8_t *p, uint32_t n)
{
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return (uint64_t)a << 32 | b;
	}
	return (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 | p[n - 1];
}

static inline __attribute__((always_inline)) uint32_t htab_hash(const void *key, uint32_t len, uint32_t seed)
{
	const uint8_t *p = key;
	uint64_t h = ((uint64_t)seed << 32) ^ (len * 0x165667b19e3779f9ull);
	uint32_t n = len;
	if (LIKELY(len == 4)) { /* the same value as the general path below, without its loop */
		uint32_t w;
		memcpy(&w, p, 4);
		h = hash_mix(h ^ 4, (uint64_t)w << 32 | w);
		n = 0;
	}
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = hash_mix(h, w);
		p += 8;
		n -= 8;
	}
	if (n)
		h = hash_mix(h ^ n, hash_tail(p, n));
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static inline bool key_equal(const void *a, const void *b, uint32_t len)
{
	if (len == 4)
		return *(const uint32_t *)a == *(const uint32_t *)b;
	if (len == 8)
		return *(const uint64_t *)a == *(const uint64_t *)b;
	return bpftime_gpr_equal(a, b, len);
}

/* freelist.c: FREE lists hold the elements new keys take (max_entries of them: when they are
 * empty the map is full); SPARE lists hold HASH's one-per-CPU extra elements, which replacements
 * take and give back, like the kernel's extra_elems */
enum freelist_kind { FREE = 0, SPARE = 1 };
void freelist_populate(struct bpftime_map *m);
struct htab_elem *freelist_pop(struct bpftime_map *m, enum freelist_kind kind);
void freelist_push(struct bpftime_map *m, struct htab_elem *e, enum freelist_kind kind);

/* lru.c: an element for a new key, evicting the least recently used when none is free */
struct htab_elem *lru_pop(struct bpftime_map *m);

/* hash_map.c, for lru.c and hash_batch.c */
int bucket_lock(struct bpftime_map *m, uint32_t b);
void bucket_unlock(struct bpftime_map *m, uint32_t b);
/* Under the bucket lock: unlinks e if it is in bucket b's chain; true if it was. */
bool bucket_unlink(struct bpftime_map *m, uint32_t b, struct htab_elem *e);
/* Returns an unlinked element to the free lists. */
void htab_free_elem(struct bpftime_map *m, struct htab_elem *e);
/* Copies an element's value(s) out as the syscall side sees them. */
void htab_copy_out(struct bpftime_map *m, struct htab_elem *e, void *value, uint64_t flags);

#endif
