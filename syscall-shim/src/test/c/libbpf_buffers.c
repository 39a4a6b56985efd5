/*
 * libbpf's own consumers fed by BPF_PROG_TEST_RUN: libbpf_buffers OBJECT perf|ring COUNT. A
 * producer thread test-runs buffers.bpf.o's to_perf or to_ring COUNT times (ctx = the sequence
 * number 1..COUNT, pausing now and then so that the consumer runs dry and blocks), while the main
 * thread waits in perf_buffer__poll or ring_buffer__poll (epoll inside libbpf) with a 5 s timeout
 * and checks each record. Prints one line per fact, the same against the kernel and under the shim:
 * records received, missing, duplicated, malformed, out of order (rings keep order; perf buffers
 * are per CPU, so only the set counts), lost, polls that timed out before the end (a wake-up that
 * never came), and whether a poll on drained buffers blocks for its timeout (no busy readiness).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long count;
static unsigned char *seen;
static long received, duplicated, malformed, out_of_order, lost, last_seq;
static int prog_fd;
static volatile int producer_failed;

static int silent(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

static void record(const void *data, size_t size)
{
	const unsigned long long *rec = data;

	if (size < 16 || rec[1] != rec[0] * 3 || rec[0] < 1 || (long)rec[0] > count) {
		malformed++;
		return;
	}
	if (seen[rec[0]]++)
		duplicated++;
	if ((long)rec[0] < last_seq)
		out_of_order++;
	last_seq = (long)rec[0];
	received++;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	/* a perf sample's raw size is rounded up to keep the record 8-aligned: 16 bytes + 4 -> 20 */
	record(data, size);
}

static void on_perf_lost(void *ctx, int cpu, __u64 n)
{
	lost += (long)n;
}

static int on_ring(void *ctx, void *data, size_t size)
{
	record(data, size);
	return 0;
}

static void *produce(void *arg)
{
	for (long i = 1; i <= count; i++) {
		unsigned long long seq = (unsigned long long)i;
		LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &seq, .ctx_size_in = sizeof(seq));

		if (bpf_prog_test_run_opts(prog_fd, &opts) != 0 || opts.retval != 0) {
			fprintf(stderr, "test run %ld: %s, retval %d\n", i, strerror(errno), (int)opts.retval);
			producer_failed = 1;
			return NULL;
		}
		if (i % 64 == 0)
			usleep(2000); /* the consumer drains everything and blocks again */
	}
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct perf_buffer *pb = NULL;
	struct ring_buffer *rb = NULL;
	struct bpf_object *obj;
	pthread_t producer;
	long timeouts = 0;
	int perf;

	if (argc != 4 || (strcmp(argv[2], "perf") && strcmp(argv[2], "ring"))) {
		fprintf(stderr, "usage: libbpf_buffers OBJECT perf|ring COUNT\n");
		return 2;
	}
	perf = strcmp(argv[2], "perf") == 0;
	count = atol(argv[3]);
	seen = calloc((size_t)count + 1, 1);
	libbpf_set_print(silent);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		printf("load: failed %s\n", strerror(errno));
		return 1;
	}
	printf("load: ok\n");
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, perf ? "to_perf" : "to_ring"));
	if (perf)
		pb = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), 8, on_perf, on_perf_lost, NULL, NULL);
	else
		rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "ring"), on_ring, NULL, NULL);
	if (perf ? !pb : !rb) {
		printf("consumer: failed %s\n", strerror(errno));
		return 1;
	}
	printf("consumer: ok\n");
	pthread_create(&producer, NULL, produce, NULL);
	while (received + malformed < count && !producer_failed) {
		int n = perf ? perf_buffer__poll(pb, 5000) : ring_buffer__poll(rb, 5000);

		if (n == 0) {
			timeouts++;
			break;
		}
		if (n < 0 && n != -EINTR) {
			printf("poll: failed %d\n", n);
			break;
		}
	}
	pthread_join(producer, NULL);
	double start = now_ms();
	int idle = perf ? perf_buffer__poll(pb, 300) : ring_buffer__poll(rb, 300);
	double waited = now_ms() - start;
	long missing = 0;

	for (long i = 1; i <= count; i++)
		missing += !seen[i];
	printf("producer: %s\n", producer_failed ? "failed" : "ok");
	printf("received: %ld of %ld\n", received, count);
	printf("missing: %ld\n", missing);
	printf("duplicated: %ld\n", duplicated);
	printf("malformed: %ld\n", malformed);
	if (!perf)
		printf("out of order: %ld\n", out_of_order);
	printf("lost: %ld\n", lost);
	printf("polls timed out: %ld\n", timeouts);
	printf("idle poll: returned %d, blocked for its timeout: %s\n", idle, waited >= 250 ? "yes" : "no");
	perf_buffer__free(pb);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return 0;
}
