/*
 * BPF_MAP_TYPE_RINGBUF, byte-compatible with the kernel's (kernel/bpf/ringbuf.c).
 *
 * memfd: page 0 our header (producer lock word), page 1 the consumer page (consumer_pos at 0,
 * written by the consumer), page 2 the producer page (producer_pos at 0, pending_pos at 8, as in
 * struct bpf_ringbuf), pages 3.. the data area. Every process maps the data area twice back to
 * back, so a record that wraps around the end is contiguous in memory, as in the kernel.
 *
 * Records: struct bpf_ringbuf_hdr { u32 len; u32 pg_off; } then the sample, 8-byte aligned.
 * len carries BPF_RINGBUF_BUSY_BIT until the producer commits, BPF_RINGBUF_DISCARD_BIT if it
 * discarded. The kernel keeps a page offset in pg_off to find its struct from a sample; no
 * consumer reads it, and here it holds the reserving thread's id instead: a record whose
 * producer died before committing is found by that id and discarded, so it cannot stop the
 * consumer forever (the "wedged ring").
 */
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpftime_gpr_only.h"
#include "bpftime_ringbuf.h"
#include "bpftime_spin_lock.h"
#include "map_internal.h"
#include "shm_region.h"

#define RINGBUF_MAX_RECORD_SZ (UINT32_MAX / 4)
/* reserves that find the same uncommitted record at pending_pos before its producer is checked */
#define STALL_CHECK_AFTER 256u

struct rb_hdr {
	_Atomic uint32_t len;
	uint32_t pg_off;
};

/* ---- the rings this process has mapped, to find one from a sample pointer ---- */

#define MAX_RINGS 256
static _Atomic(struct bpftime_map *) rings[MAX_RINGS];
static pthread_mutex_t rings_lock = PTHREAD_MUTEX_INITIALIZER;

/* false when the table is full: a ring its helpers could not find must not be mapped at all */
static bool ring_register(struct bpftime_map *m)
{
	bool done = false;
	pthread_mutex_lock(&rings_lock);
	for (int i = 0; i < MAX_RINGS && !done; i++) {
		if (!atomic_load(&rings[i])) {
			atomic_store(&rings[i], m);
			done = true;
		}
	}
	pthread_mutex_unlock(&rings_lock);
	return done;
}

static void ring_unregister(struct bpftime_map *m)
{
	pthread_mutex_lock(&rings_lock);
	for (int i = 0; i < MAX_RINGS; i++)
		if (atomic_load(&rings[i]) == m)
			atomic_store(&rings[i], NULL);
	pthread_mutex_unlock(&rings_lock);
}

static struct bpftime_map *ring_of_sample(const void *sample)
{
	const uint8_t *p = sample;
	for (int i = 0; i < MAX_RINGS; i++) {
		struct bpftime_map *m = atomic_load_explicit(&rings[i], memory_order_acquire);
		if (m && p >= m->data && p < m->data + 2 * m->data_size)
			return m;
	}
	return NULL;
}

/* ---- layout ---- */

int64_t ringbuf_region_size(uint32_t max_entries, uint64_t *data_off, uint64_t *data_size)
{
	/* ringbuf_map_alloc(): a power of two and a multiple of the page size */
	if (max_entries == 0 || (max_entries & (max_entries - 1)) || (max_entries % BPFTIME_PAGE))
		return -EINVAL;
	*data_off = (uint64_t)RINGBUF_CONSUMER_PAGE * BPFTIME_PAGE;
	*data_size = 2ull * BPFTIME_PAGE + max_entries;
	return (int64_t)(RINGBUF_DATA_PAGE * (uint64_t)BPFTIME_PAGE + max_entries);
}

int ringbuf_attach(struct bpftime_map *m)
{
	uint64_t size = m->max_entries, head = RINGBUF_DATA_PAGE * (uint64_t)BPFTIME_PAGE;
	uint8_t *area = shm_map_double(m->memfd, 0, head, head, size);
	if (!area)
		return -errno;
	m->base = area;
	m->mapped_len = head + 2 * size;
	m->hdr = (struct bpftime_map_header *)area;
	m->consumer_pos = (_Atomic uint64_t *)(area + RINGBUF_CONSUMER_PAGE * BPFTIME_PAGE);
	m->producer_pos = (_Atomic uint64_t *)(area + RINGBUF_PRODUCER_PAGE * BPFTIME_PAGE);
	m->pending_pos = m->producer_pos + 1;
	m->data = area + head;
	m->data_size = size;
	m->rb_mask = size - 1;
	if (!ring_register(m)) {
		munmap(area, m->mapped_len);
		m->base = NULL;
		return -ENFILE;
	}
	return 0;
}

void ringbuf_detach(struct bpftime_map *m)
{
	ring_unregister(m);
}

int bpftime_ringbuf_layout(const struct bpftime_map *m, int64_t *consumer_off, int64_t *producer_off,
			   int64_t *data_off, int64_t *data_size)
{
	if (m->type != BPF_MAP_TYPE_RINGBUF)
		return -EINVAL;
	*consumer_off = RINGBUF_CONSUMER_PAGE * (int64_t)BPFTIME_PAGE;
	*producer_off = RINGBUF_PRODUCER_PAGE * (int64_t)BPFTIME_PAGE;
	*data_off = RINGBUF_DATA_PAGE * (int64_t)BPFTIME_PAGE;
	*data_size = m->max_entries;
	return 0;
}

/* ---- producing ---- */

static inline struct rb_hdr *record_at(struct bpftime_map *m, uint64_t pos)
{
	return (struct rb_hdr *)(m->data + (pos & m->rb_mask));
}

static inline uint64_t record_span(uint32_t len)
{
	return ROUND_UP8((uint64_t)(len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) + BPF_RINGBUF_HDR_SZ);
}

/* Discards the uncommitted record at pos if the thread that reserved it is gone. */
static bool discard_if_orphan(struct bpftime_map *m, uint64_t pos)
{
	struct rb_hdr *h = record_at(m, pos);
	uint32_t len = atomic_load_explicit(&h->len, memory_order_acquire);
	if (!(len & BPF_RINGBUF_BUSY_BIT) || h->pg_off == 0 || !thread_is_dead(h->pg_off))
		return false;
	uint32_t discarded = (len & ~BPF_RINGBUF_BUSY_BIT) | BPF_RINGBUF_DISCARD_BIT;
	return atomic_compare_exchange_strong(&h->len, &len, discarded);
}

/* Moves pending_pos over committed records, as __bpf_ringbuf_reserve() does. */
static uint64_t advance_pending(struct bpftime_map *m, uint64_t pend, uint64_t prod)
{
	while (pend < prod) {
		uint32_t len = atomic_load_explicit(&record_at(m, pend)->len, memory_order_acquire);
		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		pend += record_span(len);
	}
	return pend;
}

/* Under the producer lock: is the oldest uncommitted record orphaned? Checked when the ring is
 * full, or when the same record has blocked pending_pos for STALL_CHECK_AFTER reserves. */
static bool unstick(struct bpftime_map *m, uint64_t pend, uint64_t prod, bool full)
{
	struct bpftime_map_header *h = m->hdr;
	if (pend >= prod)
		return false;
	if (!full) {
		if (h->stall_pos != pend) {
			h->stall_pos = pend;
			h->stall_count = 0;
			return false;
		}
		if (++h->stall_count < STALL_CHECK_AFTER)
			return false;
	}
	h->stall_count = 0;
	return discard_if_orphan(m, pend);
}

void *bpftime_ringbuf_reserve(struct bpftime_map *m, uint64_t size, uint64_t flags)
{
	if (UNLIKELY(flags) || UNLIKELY(size > RINGBUF_MAX_RECORD_SZ))
		return NULL;
	uint64_t len = ROUND_UP8(size + BPF_RINGBUF_HDR_SZ);
	if (len > m->rb_mask + 1)
		return NULL;
	uint64_t cons = atomic_load_explicit(m->consumer_pos, memory_order_acquire);
	if (bpftime_lock_acquire(&m->hdr->producer_lock) < 0)
		return NULL;
	uint64_t prod = atomic_load_explicit(m->producer_pos, memory_order_relaxed);
	uint64_t pend = advance_pending(m, atomic_load_explicit(m->pending_pos, memory_order_relaxed), prod);
	uint64_t new_prod = prod + len;
	bool full = new_prod - cons > m->rb_mask || new_prod - pend > m->rb_mask;
	bool woke = false;
	if (UNLIKELY(pend < prod) && unstick(m, pend, prod, full)) {
		pend = advance_pending(m, pend, prod);
		full = new_prod - cons > m->rb_mask || new_prod - pend > m->rb_mask;
		woke = true;
	}
	atomic_store_explicit(m->pending_pos, pend, memory_order_relaxed);
	if (full) {
		bpftime_lock_release(&m->hdr->producer_lock);
		if (woke)
			wake_consumer(m);
		return NULL;
	}
	struct rb_hdr *h = record_at(m, prod);
	h->pg_off = self_tid();
	atomic_store_explicit(&h->len, (uint32_t)size | BPF_RINGBUF_BUSY_BIT, memory_order_relaxed);
	/* pairs with the consumer's load-acquire of producer_pos */
	atomic_store_explicit(m->producer_pos, new_prod, memory_order_release);
	bpftime_lock_release(&m->hdr->producer_lock);
	if (woke)
		wake_consumer(m);
	return (uint8_t *)h + BPF_RINGBUF_HDR_SZ;
}

/* bpf_ringbuf_commit() */
static void commit(struct bpftime_map *m, void *sample, uint64_t flags, bool discard)
{
	struct rb_hdr *h = (struct rb_hdr *)((uint8_t *)sample - BPF_RINGBUF_HDR_SZ);
	uint32_t new_len = atomic_load_explicit(&h->len, memory_order_relaxed) ^ BPF_RINGBUF_BUSY_BIT;
	if (discard)
		new_len |= BPF_RINGBUF_DISCARD_BIT;
	/* a full barrier, like the kernel's xchg(), before reading consumer_pos */
	atomic_exchange_explicit(&h->len, new_len, memory_order_seq_cst);
	uint64_t rec_pos = ((uint8_t *)h - m->data) & m->rb_mask;
	uint64_t cons_pos = atomic_load_explicit(m->consumer_pos, memory_order_acquire) & m->rb_mask;
	/* if the consumer caught up and waits for this record, wake it */
	if (flags & BPF_RB_FORCE_WAKEUP)
		wake_consumer(m);
	else if (cons_pos == rec_pos && !(flags & BPF_RB_NO_WAKEUP))
		wake_consumer(m);
}

void bpftime_ringbuf_submit(struct bpftime_map *m, void *sample, uint64_t flags)
{
	commit(m, sample, flags, false);
}

void bpftime_ringbuf_discard(struct bpftime_map *m, void *sample, uint64_t flags)
{
	commit(m, sample, flags, true);
}

void bpftime_ringbuf_submit_sample(void *sample, uint64_t flags)
{
	struct bpftime_map *m = ring_of_sample(sample);
	if (m)
		commit(m, sample, flags, false);
}

void bpftime_ringbuf_discard_sample(void *sample, uint64_t flags)
{
	struct bpftime_map *m = ring_of_sample(sample);
	if (m)
		commit(m, sample, flags, true);
}

long bpftime_ringbuf_output(struct bpftime_map *m, const void *data, uint64_t size, uint64_t flags)
{
	if (UNLIKELY(flags & ~(uint64_t)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)))
		return -EINVAL;
	void *rec = bpftime_ringbuf_reserve(m, size, 0);
	if (!rec)
		return -EAGAIN;
	bpftime_gpr_copy(rec, data, size);
	commit(m, rec, flags, false);
	return 0;
}

uint64_t bpftime_ringbuf_query(struct bpftime_map *m, uint64_t flags)
{
	uint64_t cons = atomic_load_explicit(m->consumer_pos, memory_order_acquire);
	uint64_t prod = atomic_load_explicit(m->producer_pos, memory_order_acquire);
	switch (flags) {
	case BPF_RB_AVAIL_DATA:
		return prod - cons;
	case BPF_RB_RING_SIZE:
		return m->rb_mask + 1;
	case BPF_RB_CONS_POS:
		return cons;
	case BPF_RB_PROD_POS:
		return prod;
	default:
		return 0;
	}
}

int bpftime_ringbuf_recover(struct bpftime_map *m)
{
	if (m->type != BPF_MAP_TYPE_RINGBUF || bpftime_lock_acquire(&m->hdr->producer_lock) < 0)
		return 0;
	uint64_t prod = atomic_load_explicit(m->producer_pos, memory_order_relaxed);
	/* every record before pending_pos is committed: uncommitted ones start there */
	uint64_t pend = atomic_load_explicit(m->pending_pos, memory_order_relaxed);
	uint64_t pos = pend;
	int discarded = 0;
	while (pos < prod) {
		uint32_t len = atomic_load_explicit(&record_at(m, pos)->len, memory_order_acquire);
		if ((len & BPF_RINGBUF_BUSY_BIT) && discard_if_orphan(m, pos))
			discarded++;
		pos += record_span(len);
	}
	atomic_store_explicit(m->pending_pos, advance_pending(m, pend, prod), memory_order_relaxed);
	bpftime_lock_release(&m->hdr->producer_lock);
	if (discarded)
		wake_consumer(m);
	return discarded;
}

int bpftime_ringbuf_poll_rearm(struct bpftime_map *m)
{
	if (bpftime_ringbuf_query(m, BPF_RB_AVAIL_DATA))
		return 1;
	int saved = errno;
	uint64_t drained;
	while (read(m->eventfd, &drained, sizeof(drained)) == sizeof(drained))
		;
	errno = saved;
	/* a producer may have committed and woken between the check and the drain: the drain took its
	 * wake-up, so give it back, or the wait would sleep on data that is there */
	if (bpftime_ringbuf_query(m, BPF_RB_AVAIL_DATA)) {
		wake_consumer(m);
		return 1;
	}
	return 0;
}
