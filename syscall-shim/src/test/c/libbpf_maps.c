/*
 * libbpf_maps: the map API of libbpf-dev (bpf_map_create, bpf_map_update_elem, lookup, delete,
 * get_next_key, lookup_and_delete, the batch calls, freeze, ids, info) and its ring buffer consumer
 * (ring_buffer__new, ring_buffer__poll, ring_buffer__consume) called as a libbpf tool calls them. One
 * line per observation on stdout; the same binary runs against the kernel and under the shim and the
 * transcripts are compared (libbpf-compat's LibbpfMapsDifferentialTest).
 *
 * The ring is filled by a producer the consumer does not see: against the kernel, a socket filter
 * calling bpf_ringbuf_output() run by BPF_PROG_TEST_RUN; under the shim, the maps library writing the
 * ring's shared memory (bpftime_ringbuf_output), reached through the shim's bpftime_shim_buffer_fds.
 * Both write the same 8-byte records, from a second thread for the wake-up case, so ring_buffer__poll
 * must sleep in epoll_wait and be woken.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpftime_map.h"
#include "bpftime_ringbuf.h"

static int failures;

static const char *err_name(int e)
{
	static char other[32];
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case EEXIST: return "EEXIST";
	case ENOSPC: return "ENOSPC";
	case EBUSY: return "EBUSY";
	case 524: return "ENOTSUPP";
	default:
		snprintf(other, sizeof(other), "errno%d", e);
		return other;
	}
}

/* libbpf 1.x returns -errno (and sets errno); a non-negative value is a result */
static void expect(const char *name, const char *want, long r)
{
	char got[64];

	if (r >= 0)
		snprintf(got, sizeof(got), "ok %ld", r);
	else
		snprintf(got, sizeof(got), "%s", err_name((int)-r));
	printf("%s: %s\n", name, got);
	if (want && strcmp(want, got)) {
		fprintf(stderr, "UNEXPECTED %s: actual '%s' vs expected '%s'\n", name, got, want);
		failures++;
	}
}

static void observe(const char *name, const char *text)
{
	printf("%s: %s\n", name, text);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;
	return x < y ? -1 : x > y;
}

static void map_api(void)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 keys[8], k, next, count, out, n = 0, found[8];
	__u64 values[8], v;
	char text[128];
	int fd, again;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "lh", 4, 8, 8, NULL);
	expect("libbpf.map_create", "ok 3", fd);
	k = 1;
	v = 10;
	expect("libbpf.update", "ok 0", bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	expect("libbpf.update_noexist_again", "EEXIST", bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
	v = 0;
	expect("libbpf.lookup", "ok 0", bpf_map_lookup_elem(fd, &k, &v));
	snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
	observe("libbpf.lookup.value", text);
	expect("libbpf.lookup_flags_lock", "EINVAL", bpf_map_lookup_elem_flags(fd, &k, &v, BPF_F_LOCK));
	k = 2;
	expect("libbpf.lookup_missing", "ENOENT", bpf_map_lookup_elem(fd, &k, &v));
	expect("libbpf.delete_missing", "ENOENT", bpf_map_delete_elem(fd, &k));

	for (k = 0; k < 6; k++) {
		keys[k] = 100 + k;
		values[k] = 1000 + k;
	}
	count = 6;
	expect("libbpf.update_batch", "ok 0", bpf_map_update_batch(fd, keys, values, &count, &opts));
	snprintf(text, sizeof(text), "%u", count);
	observe("libbpf.update_batch.count", text);
	count = 8;
	memset(keys, 0, sizeof(keys));
	expect("libbpf.lookup_batch_all", "ENOENT", bpf_map_lookup_batch(fd, NULL, &out, keys, values, &count, &opts));
	qsort(keys, count, sizeof(keys[0]), cmp_u32);
	snprintf(text, sizeof(text), "count %u first %u last %u", count, keys[0], keys[count ? count - 1 : 0]);
	observe("libbpf.lookup_batch_all.keys", text);

	/* walk with get_next_key: every key once */
	int r = bpf_map_get_next_key(fd, NULL, &next);
	while (r == 0 && n < 8) {
		found[n++] = next;
		k = next;
		r = bpf_map_get_next_key(fd, &k, &next);
	}
	expect("libbpf.get_next_key_end", "ENOENT", r);
	qsort(found, n, sizeof(found[0]), cmp_u32);
	snprintf(text, sizeof(text), "%u keys, %u..%u", n, found[0], found[n ? n - 1 : 0]);
	observe("libbpf.get_next_key_walk", text);

	k = 100;
	v = 0;
	expect("libbpf.lookup_and_delete", "ok 0", bpf_map_lookup_and_delete_elem(fd, &k, &v));
	snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
	observe("libbpf.lookup_and_delete.value", text);
	keys[0] = 101;
	keys[1] = 102;
	count = 2;
	expect("libbpf.delete_batch", "ok 0", bpf_map_delete_batch(fd, keys, &count, &opts));
	count = 8;
	expect("libbpf.lookup_and_delete_batch", "ENOENT",
	       bpf_map_lookup_and_delete_batch(fd, NULL, &out, keys, values, &count, &opts));
	snprintf(text, sizeof(text), "%u", count);
	observe("libbpf.lookup_and_delete_batch.count", text);
	expect("libbpf.empty_after", "ENOENT", bpf_map_get_next_key(fd, NULL, &next));

	struct bpf_map_info info;
	__u32 len = offsetof(struct bpf_map_info, map_extra) + 8;
	memset(&info, 0, sizeof(info));
	expect("libbpf.info", "ok 0", bpf_obj_get_info_by_fd(fd, &info, &len));
	snprintf(text, sizeof(text), "len %u type %u key %u value %u max %u name '%s'", len, info.type, info.key_size,
		 info.value_size, info.max_entries, info.name);
	observe("libbpf.info.fields", text);

	__u32 id = 0, walked = 0;
	while (bpf_map_get_next_id(id, &id) == 0)
		walked |= id == info.id;
	snprintf(text, sizeof(text), "%s", walked ? "yes" : "no");
	observe("libbpf.next_id_finds_ours", text);
	again = bpf_map_get_fd_by_id(info.id);
	expect("libbpf.fd_by_id", "ok 4", again);
	k = 7;
	v = 7;
	expect("libbpf.update_through_second_fd", "ok 0", bpf_map_update_elem(again, &k, &v, 0));
	expect("libbpf.lookup_through_first_fd", "ok 0", bpf_map_lookup_elem(fd, &k, &v));
	expect("libbpf.freeze", "ok 0", bpf_map_freeze(fd));
	expect("libbpf.update_frozen", "EPERM", bpf_map_update_elem(again, &k, &v, 0));
	close(again);
	close(fd);
}

/* ---- the ring's producer ---- */

struct producer {
	int map_fd;
	int prog_fd;                   /* kernel: the socket filter calling bpf_ringbuf_output */
	struct bpftime_map *ring;      /* shim: the ring opened with the maps library */
};

static const __u64 RECORD = 0x11223344;

static int load_output_prog(int map_fd)
{
	struct bpf_insn insns[] = {
		/* *(u64 *)(r10 - 8) = RECORD */
		{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = 10, .off = -8, .imm = (int)RECORD },
		/* r1 = map (ld_imm64, BPF_PSEUDO_MAP_FD) */
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = 1, .src_reg = BPF_PSEUDO_MAP_FD, .imm = map_fd },
		{ 0 },
		/* r2 = r10 - 8; r3 = 8; r4 = 0; call bpf_ringbuf_output; r0 = 0; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 2, .src_reg = 10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 2, .imm = -8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 3, .imm = 8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 4, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_ringbuf_output },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "rb_out", "GPL", insns, sizeof(insns) / sizeof(insns[0]),
			     NULL);
}

static int producer_open(struct producer *p, int map_fd)
{
	int (*buffer_fds)(int, int *, int *) = (int (*)(int, int *, int *))dlsym(RTLD_DEFAULT,
										 "bpftime_shim_buffer_fds");
	int memfd, eventfd;

	memset(p, 0, sizeof(*p));
	p->map_fd = map_fd;
	p->prog_fd = -1;
	if (buffer_fds) {
		if (buffer_fds(map_fd, &memfd, &eventfd) != 0)
			return -1;
		return bpftime_map_open(memfd, eventfd, &p->ring) == 0 ? 0 : -1;
	}
	p->prog_fd = load_output_prog(map_fd);
	return p->prog_fd >= 0 ? 0 : -1;
}

static int produce(struct producer *p)
{
	if (p->ring)
		return (int)bpftime_ringbuf_output(p->ring, &RECORD, sizeof(RECORD), 0);
	char data[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = data, .data_size_in = sizeof(data), .repeat = 1);
	return bpf_prog_test_run_opts(p->prog_fd, &run);
}

struct consumer {
	int records, wrong;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;

	c->records++;
	if (size != sizeof(RECORD) || memcmp(data, &RECORD, sizeof(RECORD)))
		c->wrong++;
	return 0;
}

struct late {
	struct producer *p;
	int n;
};

static void *produce_later(void *arg)
{
	struct late *l = arg;
	struct timespec delay = { .tv_nsec = 200 * 1000 * 1000 };

	nanosleep(&delay, NULL);
	for (int i = 0; i < l->n; i++)
		produce(l->p);
	return NULL;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void ring_api(void)
{
	struct consumer c = { 0 };
	struct producer p;
	struct ring_buffer *rb;
	char text[128];
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 0, 0, 4096, NULL);

	expect("libbpf.ring.create", "ok 3", fd);
	rb = ring_buffer__new(fd, on_record, &c, NULL);
	observe("libbpf.ring.new", rb ? "ok" : err_name(errno));
	if (!rb) {
		failures++;
		return;
	}
	if (producer_open(&p, fd) != 0) {
		observe("libbpf.ring.producer", "cannot open");
		failures++;
		return;
	}
	expect("libbpf.ring.poll_empty", "ok 0", ring_buffer__poll(rb, 0));
	for (int i = 0; i < 3; i++)
		produce(&p);
	expect("libbpf.ring.poll_three", "ok 3", ring_buffer__poll(rb, 100));
	expect("libbpf.ring.poll_nothing_more", "ok 0", ring_buffer__poll(rb, 0));
	expect("libbpf.ring.poll_nothing_more_waits", "ok 0", ring_buffer__poll(rb, 50));

	/* a wait woken by a producer in another thread */
	struct late l = { .p = &p, .n = 2 };
	struct timespec t0;
	pthread_t t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&t, NULL, produce_later, &l);
	int total = 0, polls = 0;
	while (total < 2 && polls++ < 5) {
		int r = ring_buffer__poll(rb, 3000);
		if (r < 0)
			break;
		total += r;
	}
	long waited = ms_since(&t0);
	pthread_join(t, NULL);
	snprintf(text, sizeof(text), "%d records, woken after the producer: %s", total,
		 waited >= 150 && waited < 2500 ? "yes" : "no");
	observe("libbpf.ring.woken", text);
	expect("libbpf.ring.consume_nothing", "ok 0", ring_buffer__consume(rb));
	for (int i = 0; i < 4; i++)
		produce(&p);
	expect("libbpf.ring.consume_four", "ok 4", ring_buffer__consume(rb));
	snprintf(text, sizeof(text), "%d records, %d wrong", c.records, c.wrong);
	observe("libbpf.ring.total", text);
	ring_buffer__free(rb);
	if (p.prog_fd >= 0)
		close(p.prog_fd);
	if (p.ring)
		bpftime_map_close(p.ring);
	close(fd);
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's warnings would go to stderr, which must stay empty: print them as observations */
	if (level == LIBBPF_DEBUG)
		return 0;
	printf("libbpf.print: ");
	return vprintf(fmt, ap);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(silent);
	if (argc < 2 || !strcmp(argv[1], "maps"))
		map_api();
	if (argc < 2 || !strcmp(argv[1], "ring"))
		ring_api();
	return failures ? 1 : 0;
}
