/*
 * A per-CPU perf buffer as the kernel lays it out for a PERF_COUNT_SW_BPF_OUTPUT event
 * (include/uapi/linux/perf_event.h, kernel/events/ring_buffer.c).
 *
 * memfd: page 0 our header (producer lock word, count of lost records), page 1
 * struct perf_event_mmap_page, pages 2.. the 2^n data pages. The app's mmap of the event fd at
 * offset 0 is the memfd from page 1 on.
 *
 * Records: PERF_RECORD_SAMPLE { perf_event_header; u32 size; char data[size]; } where size is the
 * raw size rounded so the record is 8-aligned (perf_prepare_sample()), and, before the first
 * record written after a drop, PERF_RECORD_LOST { perf_event_header; u64 id; u64 lost; }.
 * data_head is published with a release store after the record is complete; the consumer frees
 * space by advancing data_tail. Producers are serialized by a lock word; one that dies while
 * holding it has not published data_head, so its half-written record is simply not there.
 */
#include <linux/perf_event.h>
#include <pthread.h>
#include <unistd.h>

#include "bpftime_gpr_only.h"
#include "bpftime_perfbuf.h"
#include "bpftime_spin_lock.h"
#include "map_internal.h"

struct lost_record {
	struct perf_event_header header;
	uint64_t id;
	uint64_t lost;
};

/* ---- the perf buffers this process has mapped, by object id ---- */

#define MAX_PERFBUFS 4096
static _Atomic(struct bpftime_map *) perfbufs[MAX_PERFBUFS];
static pthread_mutex_t perfbufs_lock = PTHREAD_MUTEX_INITIALIZER;

static bool perfbuf_register(struct bpftime_map *m)
{
	bool done = false;
	pthread_mutex_lock(&perfbufs_lock);
	for (uint32_t k = 0; k < MAX_PERFBUFS && !done; k++) {
		uint32_t i = (m->hdr->object_id + k) % MAX_PERFBUFS;
		if (!atomic_load(&perfbufs[i])) {
			atomic_store(&perfbufs[i], m);
			done = true;
		}
	}
	pthread_mutex_unlock(&perfbufs_lock);
	return done;
}

static struct bpftime_map *perfbuf_by_id(uint32_t id)
{
	for (uint32_t k = 0; k < MAX_PERFBUFS; k++) {
		struct bpftime_map *m = atomic_load_explicit(&perfbufs[(id + k) % MAX_PERFBUFS], memory_order_acquire);
		if (m && m->hdr->object_id == id)
			return m;
		if (!m && k > 64)
			break;
	}
	return NULL;
}

void perfbuf_detach(struct bpftime_map *m)
{
	pthread_mutex_lock(&perfbufs_lock);
	for (uint32_t i = 0; i < MAX_PERFBUFS; i++)
		if (atomic_load(&perfbufs[i]) == m)
			atomic_store(&perfbufs[i], NULL);
	pthread_mutex_unlock(&perfbufs_lock);
}

/* ---- layout ---- */

int64_t perfbuf_region_size(uint32_t pages, uint64_t *data_off, uint64_t *data_size)
{
	if (pages == 0 || (pages & (pages - 1)))
		return -EINVAL;
	*data_off = (uint64_t)PERFBUF_MMAP_PAGE * BPFTIME_PAGE;
	*data_size = (1ull + pages) * BPFTIME_PAGE;
	return (int64_t)((PERFBUF_DATA_PAGE + (uint64_t)pages) * BPFTIME_PAGE);
}

int perfbuf_attach(struct bpftime_map *m)
{
	m->perf_page = m->base + (uint64_t)PERFBUF_MMAP_PAGE * BPFTIME_PAGE;
	m->data = m->base + (uint64_t)PERFBUF_DATA_PAGE * BPFTIME_PAGE;
	m->data_size = (uint64_t)m->max_entries * BPFTIME_PAGE;
	return perfbuf_register(m) ? 0 : -ENFILE;
}

/* perf_event_init_userpage() */
void perfbuf_init(struct bpftime_map *m)
{
	struct perf_event_mmap_page *pg = (struct perf_event_mmap_page *)(m->base + (uint64_t)PERFBUF_MMAP_PAGE * BPFTIME_PAGE);
	pg->cap_bit0_is_deprecated = 1;
	pg->size = offsetof(struct perf_event_mmap_page, __reserved);
	pg->data_offset = BPFTIME_PAGE;
	pg->data_size = (uint64_t)m->hdr->max_entries * BPFTIME_PAGE;
	m->hdr->perf_event_id = m->hdr->object_id;
}

/* ---- producing ---- */

/*
 * Whether the record that moved data_head to head wakes the consumer, under the producer lock. The
 * kernel counts samples against attr.wakeup_events (perf_output_end() via rb->events) unless
 * attr.watermark, and wakes whenever data_head moved more than rb->watermark past the last
 * watermark wake-up (__perf_output_begin()); libbpf's perf_buffer__new() asks for wakeup_events 1.
 */
static bool wakeup_due(struct bpftime_map_header *h, uint64_t head)
{
	bool wake = false;
	if (!h->wakeup_policy)
		return true;
	if (h->wakeup_events && ++h->pending_events >= h->wakeup_events) {
		h->pending_events -= h->wakeup_events;
		wake = true;
	}
	if (head - h->wakeup_head > h->wakeup_watermark) {
		h->wakeup_head += h->wakeup_watermark; /* local_add(rb->watermark, &rb->wakeup) */
		wake = true;
	}
	return wake;
}

static void put(struct bpftime_map *m, uint64_t pos, const void *src, uint64_t len)
{
	uint64_t off = pos & (m->data_size - 1);
	uint64_t first = len < m->data_size - off ? len : m->data_size - off;
	bpftime_gpr_copy(m->data + off, src, first);
	bpftime_gpr_copy(m->data, (const uint8_t *)src + first, len - first);
}

static void put_zero(struct bpftime_map *m, uint64_t pos, uint64_t len)
{
	static const uint8_t zeros[8];
	put(m, pos, zeros, len);
}

long bpftime_perfbuf_output(struct bpftime_map *m, const void *data, uint64_t size)
{
	if (UNLIKELY(m->type != BPFTIME_OBJ_PERF_BUFFER))
		return -EINVAL;
	/* the record's size is a u16 (struct perf_event_header) */
	uint64_t raw = ROUND_UP8(size + sizeof(uint32_t));
	uint64_t rec = sizeof(struct perf_event_header) + raw;
	if (rec > UINT16_MAX - 7)
		return -E2BIG;
	struct perf_event_mmap_page *pg = m->perf_page;
	if (bpftime_lock_acquire(&m->hdr->producer_lock) < 0)
		return -EBUSY;
	uint64_t head = atomic_load_explicit((_Atomic uint64_t *)&pg->data_head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit((_Atomic uint64_t *)&pg->data_tail, memory_order_acquire);
	uint64_t lost = atomic_load_explicit(&m->hdr->lost, memory_order_relaxed);
	uint64_t need = rec + (lost ? sizeof(struct lost_record) : 0);
	/* CIRC_SPACE(head, tail, size) >= need, ring_buffer_has_space() */
	uint64_t used = head - tail;
	if (used > m->data_size || used + need >= m->data_size) {
		atomic_fetch_add_explicit(&m->hdr->lost, 1, memory_order_relaxed);
		bpftime_lock_release(&m->hdr->producer_lock);
		return -ENOSPC;
	}
	if (lost) {
		struct lost_record l = {
			.header = { .type = PERF_RECORD_LOST, .misc = 0, .size = sizeof(l) },
			.id = m->hdr->perf_event_id,
			.lost = atomic_exchange_explicit(&m->hdr->lost, 0, memory_order_relaxed),
		};
		put(m, head, &l, sizeof(l));
		head += sizeof(l);
	}
	/* bpf_perf_event_output() samples the helper's caller registers, so the kernel marks the
	 * record PERF_RECORD_MISC_KERNEL whatever the program is attached to */
	struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .misc = PERF_RECORD_MISC_KERNEL, .size = (uint16_t)rec };
	uint32_t raw_size = (uint32_t)(raw - sizeof(uint32_t));
	put(m, head, &h, sizeof(h));
	put(m, head + sizeof(h), &raw_size, sizeof(raw_size));
	put(m, head + sizeof(h) + sizeof(raw_size), data, size);
	put_zero(m, head + sizeof(h) + sizeof(raw_size) + size, raw_size - size);
	atomic_store_explicit((_Atomic uint64_t *)&pg->data_head, head + rec, memory_order_release);
	bool wake = wakeup_due(m->hdr, head + rec);
	bpftime_lock_release(&m->hdr->producer_lock);
	if (wake)
		wake_consumer(m);
	return 0;
}

void bpftime_perfbuf_set_wakeup(struct bpftime_map *m, uint32_t wakeup_events, uint32_t wakeup_watermark,
				int use_watermark)
{
	if (m->type != BPFTIME_OBJ_PERF_BUFFER)
		return;
	/* ring_buffer_init(): attr.watermark ? min(size, wakeup_watermark) : 0, and 0 means half the buffer */
	uint64_t mark = use_watermark ? wakeup_watermark : 0;
	if (mark > m->data_size)
		mark = m->data_size;
	if (!mark)
		mark = m->data_size / 2;
	m->hdr->wakeup_events = use_watermark ? 0 : wakeup_events;
	m->hdr->wakeup_watermark = mark;
	m->hdr->wakeup_head = atomic_load((_Atomic uint64_t *)&((struct perf_event_mmap_page *)m->perf_page)->data_head);
	m->hdr->pending_events = 0;
	m->hdr->wakeup_policy = 1;
}

int bpftime_perfbuf_poll_rearm(struct bpftime_map *m)
{
	struct perf_event_mmap_page *pg = m->perf_page;
	if (m->type != BPFTIME_OBJ_PERF_BUFFER)
		return 0;
	if (atomic_load_explicit((_Atomic uint64_t *)&pg->data_head, memory_order_acquire) !=
	    atomic_load_explicit((_Atomic uint64_t *)&pg->data_tail, memory_order_acquire))
		return 1;
	int saved = errno;
	uint64_t drained;
	while (read(m->eventfd, &drained, sizeof(drained)) == sizeof(drained))
		;
	errno = saved;
	/* a producer may have published and woken between the check and the drain: the drain took its
	 * wake-up, so give it back, or the wait would sleep on records that are there */
	if (atomic_load_explicit((_Atomic uint64_t *)&pg->data_head, memory_order_acquire) !=
	    atomic_load_explicit((_Atomic uint64_t *)&pg->data_tail, memory_order_acquire)) {
		wake_consumer(m);
		return 1;
	}
	return 0;
}

uint64_t bpftime_perfbuf_lost(const struct bpftime_map *m)
{
	return m->type == BPFTIME_OBJ_PERF_BUFFER ? atomic_load(&m->hdr->lost) : 0;
}

/* bpf_perf_event_output() (kernel/trace/bpf_trace.c, __bpf_perf_event_output()) */
long bpftime_perf_event_output(struct bpftime_map *array, uint64_t flags, const void *data, uint64_t size)
{
	if (UNLIKELY(array->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY))
		return -EINVAL;
	if (UNLIKELY(flags & ~BPF_F_INDEX_MASK))
		return -EINVAL;
	uint32_t cpu = cpu_slot();
	uint64_t index = flags & BPF_F_INDEX_MASK;
	if (index == BPF_F_CURRENT_CPU)
		index = cpu;
	if (UNLIKELY(index >= array->max_entries))
		return -E2BIG;
	uint32_t id = bpftime_fd_array_get(array, (uint32_t)index);
	if (!id)
		return -ENOENT;
	/* the table lookup usually hits its first probe; no per-array cache that a closed buffer
	 * could leave dangling */
	struct bpftime_map *pb = perfbuf_by_id(id);
	if (!pb)
		return -ENOENT;
	/* the event of that slot must belong to the CPU the program runs on */
	if (pb->hdr->cpu != cpu)
		return -EOPNOTSUPP;
	return bpftime_perfbuf_output(pb, data, size);
}
