/*
 * The loader of the agent's end-to-end tests, an ordinary libbpf application: it loads
 * agent_probes.bpf.o with the marker, attaches the openat tracepoint and a uprobe on target_fn of
 * the target binary (every process), says "attached", then reads both buffers with libbpf's own
 * perf_buffer__poll and ring_buffer__poll until the expected number of events of each kind came or
 * the time is up, and prints what it saw and the counts in the array map.
 *
 *   agent_loader OBJECT TARGET_BINARY MARKER EXPECTED TIMEOUT_MS
 * EXPECTED 0: poll until SIGINT/SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct event {
	__u32 pid;
	__u32 kind;
	__u64 value;
};

static long perf_seen[3], ring_seen[3];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void perf_sample(void *ctx, int cpu, void *data, __u32 size)
{
	const struct event *e = data;
	if (size >= sizeof(*e) && e->kind < 3)
		perf_seen[e->kind]++;
}

static void perf_lost(void *ctx, int cpu, __u64 n)
{
	fprintf(stderr, "lost %llu perf events on cpu %d\n", (unsigned long long)n, cpu);
}

static int ring_sample(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	if (size >= sizeof(*e) && e->kind < 3)
		ring_seen[e->kind]++;
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: %s OBJECT TARGET_BINARY MARKER EXPECTED TIMEOUT_MS\n", argv[0]);
		return 2;
	}
	long expected = atol(argv[4]), deadline = now_ms() + atol(argv[5]);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	struct bpf_map *map;
	int err;

	if (!obj)
		return fail("open", errno);
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t size;
		if (strlen(name) >= 7 && strcmp(name + strlen(name) - 7, ".rodata") == 0) {
			char *data = (char *)bpf_map__initial_value(map, &size);
			if (data && size >= 24)
				strncpy(data, argv[3], 23);
		}
	}
	err = bpf_object__load(obj);
	if (err)
		return fail("load", err);
	struct bpf_link *tp = bpf_program__attach(bpf_object__find_program_by_name(obj, "on_openat"));
	if (!tp)
		return fail("attach sys_enter_openat", errno);
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "target_fn");
	struct bpf_link *up = bpf_program__attach_uprobe_opts(bpf_object__find_program_by_name(obj, "on_target_fn"),
							      -1, argv[2], 0, &uo);
	if (!up)
		return fail("attach uprobe target_fn", errno);
	struct perf_buffer *pb = perf_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "perf_events")), 64,
						  perf_sample, perf_lost, NULL, NULL);
	if (!pb)
		return fail("perf_buffer__new", errno);
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "ring_events")),
						  ring_sample, NULL, NULL);
	if (!rb)
		return fail("ring_buffer__new", errno);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached\n");
	fflush(stdout);
	while (!stop && now_ms() < deadline) {
		if (expected && perf_seen[1] >= expected && perf_seen[2] >= expected && ring_seen[1] >= expected &&
		    ring_seen[2] >= expected)
			break;
		err = perf_buffer__poll(pb, 20);
		if (err < 0 && err != -EINTR)
			return fail("perf_buffer__poll", err);
		err = ring_buffer__poll(rb, 20);
		if (err < 0 && err != -EINTR)
			return fail("ring_buffer__poll", err);
	}
	/* whatever is still in the buffers */
	perf_buffer__consume(pb);
	ring_buffer__consume(rb);
	int hits_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "hits"));
	__u64 hits[2] = { 0, 0 };
	for (__u32 k = 0; k < 2; k++)
		bpf_map_lookup_elem(hits_fd, &k, &hits[k]);
	printf("hits uprobe=%llu openat=%llu perf uprobe=%ld openat=%ld ring uprobe=%ld openat=%ld\n",
	       (unsigned long long)hits[0], (unsigned long long)hits[1], perf_seen[1], perf_seen[2], ring_seen[1],
	       ring_seen[2]);
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	bpf_link__destroy(up);
	bpf_link__destroy(tp);
	bpf_object__close(obj);
	return 0;
}
