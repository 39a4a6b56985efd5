/*
 * The binary format of a map object in its memfd (docs/MAP-FORMAT.md is the prose of this file).
 * Every offset inside shared memory is relative to the start of the memfd: each process maps it at
 * a different address, so no pointer is ever stored in it.
 */
#ifndef BPFTIME_MAP_LAYOUT_H
#define BPFTIME_MAP_LAYOUT_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define BPFTIME_MAP_MAGIC 0x3150414d54465042ull /* "BPFTMAP1" little-endian */
#define BPFTIME_FORMAT_VERSION 1u
#define BPFTIME_PAGE 4096u
#define BPFTIME_CACHELINE 64

/* Page 0 of every object. Written once at creation, then read-only, except the atomics that each
 * own a cache line below. */
struct bpftime_map_header {
	uint64_t magic;            /* 0 */
	uint32_t format_version;   /* 8 */
	uint32_t map_type;         /* 12: enum bpf_map_type, or BPFTIME_OBJ_PERF_BUFFER */
	uint32_t key_size;         /* 16 */
	uint32_t value_size;       /* 20 */
	uint32_t max_entries;      /* 24: for a RINGBUF the data size, for a perf buffer its data pages */
	uint32_t map_flags;        /* 28 */
	uint32_t ncpus;            /* 32: possible CPUs when created; per-CPU values have this many slots */
	int32_t spin_lock_off;     /* 36: struct bpf_spin_lock inside the value, -1 if none */
	uint64_t total_size;       /* 40: bytes of the memfd */
	uint32_t object_id;        /* 48: id the service gave the object */
	uint32_t value_stride;     /* 52: round_up(value_size, 8) */
	uint64_t data_off;         /* 56: array values / ring consumer page / perf_event_mmap_page */
	uint64_t data_size;        /* 64: bytes from data_off an app may mmap */
	uint32_t hash_seed;        /* 72 */
	uint32_t n_buckets;        /* 76: power of two */
	uint32_t elem_size;        /* 80: bytes per hash element */
	uint32_t n_elems;          /* 84: preallocated hash elements */
	uint64_t buckets_off;      /* 88 */
	uint64_t elems_off;        /* 96 */
	uint64_t freelists_off;    /* 104 */
	uint32_t n_freelists;      /* 112 */
	uint32_t cpu;              /* 116: the CPU a perf buffer belongs to */
	char name[16];             /* 120: BPF object name, for diagnostics */
	/* LRU: the clock hand of the eviction scan */
	alignas(BPFTIME_CACHELINE) _Atomic uint32_t lru_hand;     /* 192 */
	/* ring and perf buffers: producers' lock word (bpftime_spin_lock.h) */
	alignas(BPFTIME_CACHELINE) uint32_t producer_lock;        /* 256 */
	uint32_t stall_count;      /* 260: ringbuf: reserves that found the same busy record in a row */
	uint64_t stall_pos;        /* 264: ringbuf: position of that record */
	_Atomic uint64_t lost;     /* 272: perf buffer: records dropped, not yet reported */
	uint64_t perf_event_id;    /* 280: perf buffer: the id written in PERF_RECORD_LOST */
	/* perf buffer wake-ups (bpftime_perfbuf_set_wakeup); policy 0 wakes at every record */
	uint32_t wakeup_policy;    /* 288: 0 every record, 1 the kernel's rules from the event's attr */
	uint32_t wakeup_events;    /* 292: attr.wakeup_events (policy 1, without attr.watermark) */
	uint64_t wakeup_watermark; /* 296: bytes between watermark wake-ups (rb->watermark) */
	uint32_t pending_events;   /* 304: samples since the last wake-up by count (rb->events) */
	uint32_t pad_wakeup;       /* 308 */
	uint64_t wakeup_head;      /* 312: data_head the watermark counts from (rb->wakeup) */
	/* ARRAY_OF_MAPS / HASH_OF_MAPS: the inner map template (the kernel's inner_map_meta,
	 * bpf_map_meta_alloc() in kernel/bpf/map_in_map.c), set once before the object is shared */
	uint32_t inner_map_type;   /* 320 */
	uint32_t inner_key_size;   /* 324 */
	uint32_t inner_value_size; /* 328 */
	uint32_t inner_max_entries; /* 332 */
	uint32_t inner_map_flags;  /* 336: without BPF_F_RDONLY/WRONLY (bpf_map_flags_retain_permanent) */
	int32_t inner_spin_lock_off; /* 340 */
};

/* One bucket of a hash map: its lock word and the index of its first element. A chain ends in a
 * "nulls" marker, NULLS_BIT | bucket index, so a lock-free reader can tell when the element it
 * walked through was moved to another chain (include/linux/list_nulls.h). */
struct htab_bucket {
	uint32_t lock;
	_Atomic uint32_t head;
};
#define HTAB_NULLS_BIT 0x80000000u
/* The marker of a free element's chain link: matches no bucket (n_buckets <= 2^28). */
#define HTAB_NULLS_NONE (HTAB_NULLS_BIT | 0x7fffffffu)

/* One preallocated hash element; key and value follow, each 8-aligned. */
struct htab_elem {
	_Atomic uint32_t next;     /* 0: next element's index, or a nulls marker */
	_Atomic uint32_t fl_next;  /* 4: freelist link: index + 1, 0 ends the list */
	_Atomic uint32_t hash;     /* 8 */
	_Atomic uint32_t seq;      /* 12: odd while key/value are rewritten (seqlock for copying readers) */
	_Atomic uint8_t ref;       /* 16: LRU reference bit, set by lookups */
	uint8_t pad[7];            /* 17 */
	unsigned char key[];       /* 24 */
};
#define HTAB_ELEM_HDR 24u

/* One free list of hash elements: a Treiber stack whose head is (tag << 32) | (index + 1); the tag
 * defeats ABA. There are n_freelists lists of free elements (one per possible CPU, up to 64) and,
 * for HASH, as many lists of spare elements that only replacements use. */
struct htab_freelist {
	alignas(BPFTIME_CACHELINE) _Atomic uint64_t head;
};
#define HTAB_MAX_FREELISTS 64u

/* Ring buffer: page 1 is the consumer page, page 2 the producer page (producer_pos, then
 * pending_pos as in struct bpf_ringbuf), data starts at page 3. */
#define RINGBUF_CONSUMER_PAGE 1u
#define RINGBUF_PRODUCER_PAGE 2u
#define RINGBUF_DATA_PAGE 3u

/* Perf buffer: page 1 is struct perf_event_mmap_page, data pages follow. */
#define PERFBUF_MMAP_PAGE 1u
#define PERFBUF_DATA_PAGE 2u

#endif
