/* The payload test producers write into ring and perf buffers, so a consumer can check every
 * record: who wrote it, its sequence number, and a checksum over its variable-size body. */
#ifndef TEST_RECORD_H
#define TEST_RECORD_H

#include <stdint.h>
#include <string.h>

#define TEST_END_PRODUCER 0xffffffffu /* the record that tells the consumer to stop */
#define TEST_MAX_PRODUCERS 4096

struct test_record {
	uint32_t producer;
	uint32_t seq;
	uint32_t size;     /* bytes of the whole payload, this header included */
	uint32_t checksum; /* over body[0 .. size - 16) */
	uint8_t body[];
};

static inline uint32_t test_record_size(uint32_t producer, uint32_t seq)
{
	return 16 + ((producer * 7 + seq * 13) % 113); /* 16..128 bytes, not 8-aligned on purpose */
}

static inline uint32_t test_checksum(const uint8_t *b, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static inline void test_record_fill(void *dst, uint32_t producer, uint32_t seq, uint32_t size)
{
	struct test_record *r = dst;
	r->producer = producer;
	r->seq = seq;
	r->size = size;
	for (uint32_t i = 0; i + 16 < size; i++)
		r->body[i] = (uint8_t)(producer * 31 + seq * 17 + i);
	r->checksum = test_checksum(r->body, size - 16);
}

/* 0 when the record is intact */
static inline int test_record_check(const void *src, uint32_t avail)
{
	const struct test_record *r = src;
	if (avail < 16 || r->size < 16 || r->size > avail)
		return -1;
	if (r->producer != TEST_END_PRODUCER && r->size != test_record_size(r->producer, r->seq))
		return -1;
	return test_checksum(r->body, r->size - 16) == r->checksum ? 0 : -1;
}

#endif
