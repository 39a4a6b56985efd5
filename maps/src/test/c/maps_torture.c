/*
 * Concurrency tests across processes: N processes x M threads on one map or buffer, each
 * scenario checking its own invariant; a process killed at the worst moment in each.
 *
 *   maps_torture atomic-add <procs> <threads> <iterations>
 *       atomic adds through program-side lookups on ARRAY, PERCPU_ARRAY and HASH values, while
 *       other threads replace HASH values and copy them out: no lost add, no torn copy
 *   maps_torture hash-churn <procs> <threads> <operations>
 *       disjoint and overlapping inserts/deletes on one HASH; a process dies holding bucket
 *       locks first: per key, successful creations - deletions == presence; nothing lost
 *   maps_torture ringbuf <procs> <threads> <records> <ring bytes>
 *       producers into one RINGBUF, kernel_abi_consumer draining it in another process; a
 *       producer is killed inside a reservation first: every committed record arrives once,
 *       in order, intact; the ring does not wedge
 *   maps_torture perfbuf <procs> <threads> <records> <data pages>
 *       producers into one perf buffer, a process killed holding its producer lock first:
 *       every record arrives intact or is counted in a PERF_RECORD_LOST
 *
 * Prints "OK <scenario> ..." and exits 0, or prints what broke and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpftime_map.h"
#include "bpftime_perfbuf.h"
#include "bpftime_ringbuf.h"
#include "bpftime_spin_lock.h"
#include "map_layout.h"
#include "test_record.h"

#define FAIL(...)                                                                                          \
	do {                                                                                               \
		fprintf(stderr, "FAIL: " __VA_ARGS__);                                                     \
		fputc('\n', stderr);                                                                       \
		exit(1);                                                                                   \
	} while (0)

static int procs, threads;
static long iterations;
static char consumer_path[4096];

/* results shared by all forked processes */
struct shared {
	uint64_t torn_copies;
	uint64_t errors;
	uint64_t creates[256];
	uint64_t deletes[256];
	uint64_t produced[TEST_MAX_PRODUCERS];
	uint64_t failed[TEST_MAX_PRODUCERS];
	char first_error[256];
};
static struct shared *sh;

static void note_error(const char *what, long rc)
{
	if (__atomic_fetch_add(&sh->errors, 1, __ATOMIC_RELAXED) == 0)
		snprintf(sh->first_error, sizeof(sh->first_error), "%s: %ld", what, rc);
}

static struct bpftime_map *create(uint32_t type, uint32_t key, uint32_t value, uint32_t max, uint32_t id,
				  uint32_t cpu)
{
	struct bpftime_map *m;
	int rc = bpftime_map_create(type, key, value, max, 0, -1, id, cpu, "torture", &m);
	if (rc)
		FAIL("create type %u: %d", type, rc);
	return m;
}

/* Runs body(global thread id) in procs x threads; returns once all exited, fails if one crashed. */
static void run_workers(void *(*body)(void *))
{
	pid_t pids[256];
	for (int p = 0; p < procs; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			pthread_t t[256];
			for (long i = 0; i < threads; i++)
				pthread_create(&t[i], NULL, body, (void *)(p * (long)threads + i));
			for (int i = 0; i < threads; i++)
				pthread_join(t[i], NULL);
			_exit(0);
		}
	}
	for (int p = 0; p < procs; p++) {
		int status;
		waitpid(pids[p], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			FAIL("worker process %d ended with status 0x%x", p, status);
	}
}

/* Forks a process that runs victim() and then waits to be killed; kills it once it signalled. */
static void kill_inside(void (*victim)(void))
{
	int pipefd[2];
	if (pipe(pipefd))
		FAIL("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		victim();
		if (write(pipefd[1], "x", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	char c;
	if (read(pipefd[0], &c, 1) != 1)
		FAIL("victim did not get to its critical section");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ---- atomic-add ---- */

static struct bpftime_map *g_array, *g_percpu, *g_hash;

static void *atomic_add_body(void *arg)
{
	long id = (long)arg;
	for (long i = 0; i < iterations; i++) {
		uint32_t k = (uint32_t)(i & 3);
		uint64_t *a = bpftime_map_lookup_elem(g_array, &k);
		uint64_t *c = bpftime_map_lookup_elem(g_percpu, &k);
		uint64_t *h = bpftime_map_lookup_elem(g_hash, &k);
		if (!a || !c || !h) {
			note_error("lookup of a present key returned NULL", k);
			continue;
		}
		__atomic_fetch_add(a, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(h, 1, __ATOMIC_RELAXED);
		/* replace other keys' values with self-checking patterns and copy them out */
		if (i % 4 == 0) {
			uint32_t rk = 100 + (uint32_t)((i / 4 + id) % 8);
			uint64_t x = (uint64_t)(id * 1000003 + i) & 0xffffffffu;
			uint64_t v = x << 32 | x;
			long rc = bpftime_map_sys_update(g_hash, &rk, &v, BPF_ANY);
			if (rc)
				note_error("replace", rc);
			uint64_t out;
			if (bpftime_map_sys_lookup(g_hash, &rk, &out, 0) == 0 && (out >> 32) != (out & 0xffffffffu))
				__atomic_fetch_add(&sh->torn_copies, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static int atomic_add(void)
{
	g_array = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 0);
	g_percpu = create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, 0);
	g_hash = create(BPF_MAP_TYPE_HASH, 4, 8, 64, 0, 0);
	uint64_t zero = 0;
	for (uint32_t k = 0; k < 4; k++)
		bpftime_map_sys_update(g_hash, &k, &zero, BPF_ANY);
	run_workers(atomic_add_body);
	uint64_t want = (uint64_t)procs * threads * iterations, sa = 0, sc = 0, shh = 0;
	uint32_t ncpus = bpftime_map_ncpus(g_percpu);
	for (uint32_t k = 0; k < 4; k++) {
		uint64_t v, all[4096];
		bpftime_map_sys_lookup(g_array, &k, &v, 0);
		sa += v;
		bpftime_map_sys_lookup(g_hash, &k, &v, 0);
		shh += v;
		bpftime_map_sys_lookup(g_percpu, &k, all, 0);
		for (uint32_t c = 0; c < ncpus; c++)
			sc += all[c];
	}
	if (sh->errors)
		FAIL("atomic-add: %llu errors, first %s", (unsigned long long)sh->errors, sh->first_error);
	if (sa != want || sc != want || shh != want)
		FAIL("atomic-add: sums array %llu percpu %llu hash %llu vs %llu", (unsigned long long)sa,
		     (unsigned long long)sc, (unsigned long long)shh, (unsigned long long)want);
	if (sh->torn_copies)
		FAIL("atomic-add: %llu torn value copies", (unsigned long long)sh->torn_copies);
	printf("OK atomic-add %llu adds per map, no torn copies\n", (unsigned long long)want);
	return 0;
}

/* ---- hash-churn ---- */

#define DISJOINT_PER_THREAD 64
#define SHARED_KEYS 256

struct churn_value {
	uint64_t key;
	uint64_t check;
};

static struct churn_value churn_value_of(uint64_t key)
{
	return (struct churn_value){ key, key * 0x9e3779b97f4a7c15ull };
}

static void lock_some_buckets(void)
{
	/* a process that dies holding bucket locks: the lock words of buckets 0..15 */
	struct bpftime_map_header *h = mmap(NULL, BPFTIME_PAGE, PROT_READ, MAP_SHARED, bpftime_map_memfd(g_hash), 0);
	uint8_t *base = mmap(NULL, h->total_size, PROT_READ | PROT_WRITE, MAP_SHARED, bpftime_map_memfd(g_hash), 0);
	struct htab_bucket *b = (struct htab_bucket *)(base + h->buckets_off);
	for (int i = 0; i < 16; i++)
		bpftime_lock_acquire(&b[i].lock);
}

static void *churn_body(void *arg)
{
	long id = (long)arg;
	unsigned seed = (unsigned)id * 7919u + 1;
	/* disjoint keys: this thread's own */
	for (uint64_t j = 0; j < DISJOINT_PER_THREAD; j++) {
		uint64_t k = (uint64_t)(id + 1) << 32 | j;
		struct churn_value v = churn_value_of(k);
		long rc = bpftime_map_sys_update(g_hash, &k, &v, BPF_NOEXIST);
		if (rc)
			note_error("insert own key", rc);
	}
	for (long i = 0; i < iterations; i++) {
		uint64_t k = rand_r(&seed) % SHARED_KEYS;
		struct churn_value v = churn_value_of(k), out;
		switch (rand_r(&seed) % 4) {
		case 0: {
			long rc = bpftime_map_sys_update(g_hash, &k, &v, BPF_NOEXIST);
			if (rc == 0)
				__atomic_fetch_add(&sh->creates[k], 1, __ATOMIC_RELAXED);
			else if (rc != -EEXIST)
				note_error("insert shared key", rc);
			break;
		}
		case 1: {
			long rc = bpftime_map_sys_delete(g_hash, &k);
			if (rc == 0)
				__atomic_fetch_add(&sh->deletes[k], 1, __ATOMIC_RELAXED);
			else if (rc != -ENOENT)
				note_error("delete shared key", rc);
			break;
		}
		case 2:
			if (bpftime_map_sys_lookup(g_hash, &k, &out, 0) == 0 && memcmp(&out, &v, sizeof(v)))
				__atomic_fetch_add(&sh->torn_copies, 1, __ATOMIC_RELAXED);
			break;
		default: {
			/* a program's view: the pointer it gets names this key's value, unless reused since */
			struct churn_value *p = bpftime_map_lookup_elem(g_hash, &k);
			(void)p;
			break;
		}
		}
	}
	/* own keys: all still there with their values; delete the odd ones */
	for (uint64_t j = 0; j < DISJOINT_PER_THREAD; j++) {
		uint64_t k = (uint64_t)(id + 1) << 32 | j;
		struct churn_value want = churn_value_of(k), got;
		if (bpftime_map_sys_lookup(g_hash, &k, &got, 0) || memcmp(&got, &want, sizeof(got)))
			note_error("own key lost or changed", (long)j);
		if ((j & 1) && bpftime_map_sys_delete(g_hash, &k))
			note_error("delete own key", (long)j);
	}
	return NULL;
}

static int hash_churn(void)
{
	uint32_t max = (uint32_t)(procs * threads * DISJOINT_PER_THREAD + SHARED_KEYS);
	g_hash = create(BPF_MAP_TYPE_HASH, 8, sizeof(struct churn_value), max, 0, 0);
	kill_inside(lock_some_buckets);
	run_workers(churn_body);
	if (sh->errors)
		FAIL("hash-churn: %llu errors, first %s", (unsigned long long)sh->errors, sh->first_error);
	if (sh->torn_copies)
		FAIL("hash-churn: %llu copies with another key's value", (unsigned long long)sh->torn_copies);
	uint32_t present = 0;
	for (uint64_t k = 0; k < SHARED_KEYS; k++) {
		struct churn_value out;
		int in_map = bpftime_map_sys_lookup(g_hash, &k, &out, 0) == 0;
		int64_t balance = (int64_t)(sh->creates[k] - sh->deletes[k]);
		if (balance != in_map)
			FAIL("hash-churn: key %llu created %llu deleted %llu times, present %d",
			     (unsigned long long)k, (unsigned long long)sh->creates[k],
			     (unsigned long long)sh->deletes[k], in_map);
		present += (uint32_t)in_map;
	}
	uint32_t own = (uint32_t)(procs * threads * DISJOINT_PER_THREAD / 2);
	uint32_t walked = 0;
	uint64_t key, next;
	for (int rc = bpftime_map_sys_get_next_key(g_hash, NULL, &next); rc == 0;
	     rc = bpftime_map_sys_get_next_key(g_hash, &key, &next)) {
		key = next;
		if (++walked > max)
			FAIL("hash-churn: get_next_key walk does not end");
	}
	if (walked != present + own || bpftime_map_count(g_hash) != present + own)
		FAIL("hash-churn: walk %u count %u vs %u shared + %u own keys", walked, bpftime_map_count(g_hash),
		     present, own);
	printf("OK hash-churn %ld operations per thread, %u shared + %u own keys left, consistent\n", iterations,
	       present, own);
	return 0;
}

/* ---- consumer process ---- */

static pid_t consumer_pid;
static int consumer_out;

static void start_consumer(char *const args[], int memfd, int eventfd)
{
	int out[2], ready[2];
	if (pipe(out) || pipe(ready))
		FAIL("pipe");
	consumer_pid = fork();
	if (consumer_pid == 0) {
		/* move everything out of the way first: dup2 onto the same number would keep O_CLOEXEC */
		int m = fcntl(memfd, F_DUPFD, 100), e = fcntl(eventfd, F_DUPFD, 100);
		int r = fcntl(ready[1], F_DUPFD, 100), o = fcntl(out[1], F_DUPFD, 100);
		dup2(m, 3);
		dup2(e, 4);
		dup2(r, 5);
		dup2(o, 1);
		execv(consumer_path, args);
		_exit(127);
	}
	close(out[1]);
	close(ready[1]);
	char buf[8];
	if (read(ready[0], buf, 6) != 6)
		FAIL("consumer did not start");
	close(ready[0]);
	consumer_out = out[0];
}

struct consumer_report {
	uint64_t records[TEST_MAX_PRODUCERS], gaps[TEST_MAX_PRODUCERS], disorder[TEST_MAX_PRODUCERS];
	uint64_t total, lost, bad, wakeups;
	int blocked;
};

static void finish_consumer(struct consumer_report *r)
{
	FILE *f = fdopen(consumer_out, "r");
	char line[512];
	memset(r, 0, sizeof(*r));
	while (fgets(line, sizeof(line), f)) {
		unsigned p;
		unsigned long long n, first, last, gaps, disorder, bytes;
		double secs;
		if (sscanf(line, "producer %u records %llu first %llu last %llu gaps %llu disorder %llu", &p, &n,
			   &first, &last, &gaps, &disorder) == 6 &&
		    p < TEST_MAX_PRODUCERS) {
			r->records[p] = n;
			r->gaps[p] = gaps + first; /* records before the first one count as missing too */
			r->disorder[p] = disorder;
		} else if (sscanf(line, "total records %llu bytes %llu lost %llu bad %llu wakeups %llu blocked %d seconds %lf",
				  (unsigned long long *)&r->total, &bytes, (unsigned long long *)&r->lost,
				  (unsigned long long *)&r->bad, (unsigned long long *)&r->wakeups, &r->blocked,
				  &secs) == 7) {
			printf("consumer: %s", line);
		}
	}
	int status;
	waitpid(consumer_pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		FAIL("consumer ended with status 0x%x", status);
	if (!r->blocked)
		FAIL("consumer's epoll_wait did not block on an empty buffer");
	if (r->bad)
		FAIL("consumer saw %llu corrupt records", (unsigned long long)r->bad);
}

static void fmt(char *buf, long v)
{
	snprintf(buf, 32, "%ld", v);
}

/* ---- ringbuf ---- */

static struct bpftime_map *g_ring;

static void reserve_and_hang(void)
{
	void *s = bpftime_ringbuf_reserve(g_ring, 64, 0);
	if (!s)
		_exit(4);
	test_record_fill(s, 4000, 0, 64); /* half-written; never submitted */
}

static void *ring_body(void *arg)
{
	uint32_t id = (uint32_t)(long)arg;
	unsigned seed = id * 31u + 7;
	for (uint32_t seq = 0; seq < iterations;) {
		uint32_t size = test_record_size(id, seq);
		int how = rand_r(&seed) % 8;
		if (how == 0) { /* a record reserved and discarded: the consumer must skip it */
			void *s = bpftime_ringbuf_reserve(g_ring, 24, 0);
			if (s) {
				memset(s, 0xee, 24);
				bpftime_ringbuf_discard_sample(s, 0);
			}
			continue;
		}
		long rc;
		if (how < 4) {
			uint8_t buf[256];
			test_record_fill(buf, id, seq, size);
			rc = bpftime_ringbuf_output(g_ring, buf, size, how == 1 ? BPF_RB_FORCE_WAKEUP : 0);
		} else {
			void *s = bpftime_ringbuf_reserve(g_ring, size, 0);
			rc = s ? 0 : -EAGAIN;
			if (s) {
				test_record_fill(s, id, seq, size);
				bpftime_ringbuf_submit(g_ring, s, 0);
			}
		}
		if (rc == -EAGAIN) { /* full: wait for the consumer, as a caller that must not drop */
			sched_yield();
			continue;
		}
		if (rc)
			note_error("ringbuf output", rc);
		sh->produced[id]++;
		seq++;
	}
	return NULL;
}

static int ringbuf(uint32_t size)
{
	g_ring = create(BPF_MAP_TYPE_RINGBUF, 0, 0, size, 0, 0);
	int64_t cons, prod, data, dsize;
	bpftime_ringbuf_layout(g_ring, &cons, &prod, &data, &dsize);
	char a[5][32];
	fmt(a[0], cons);
	fmt(a[1], prod);
	fmt(a[2], data);
	fmt(a[3], dsize);
	char *args[] = { consumer_path, "ringbuf", "3", "4", a[0], a[1], a[2], a[3], NULL };
	start_consumer(args, bpftime_map_memfd(g_ring), bpftime_map_eventfd(g_ring));
	/* a producer dies between reserve and submit: its record must not stop the consumer */
	kill_inside(reserve_and_hang);
	run_workers(ring_body);
	uint8_t end[16];
	test_record_fill(end, TEST_END_PRODUCER, 0, 16);
	while (bpftime_ringbuf_output(g_ring, end, 16, BPF_RB_FORCE_WAKEUP) == -EAGAIN)
		usleep(1000);
	struct consumer_report r;
	finish_consumer(&r);
	if (sh->errors)
		FAIL("ringbuf: %llu errors, first %s", (unsigned long long)sh->errors, sh->first_error);
	uint64_t total = 0;
	for (int p = 0; p < procs * threads; p++) {
		if (r.records[p] != sh->produced[p] || r.gaps[p] || r.disorder[p])
			FAIL("ringbuf: producer %d committed %llu, consumer got %llu (missing %llu, out of order %llu)",
			     p, (unsigned long long)sh->produced[p], (unsigned long long)r.records[p],
			     (unsigned long long)r.gaps[p], (unsigned long long)r.disorder[p]);
		total += r.records[p];
	}
	if (r.records[4000])
		FAIL("ringbuf: the killed producer's uncommitted record was delivered");
	if (!r.wakeups)
		FAIL("ringbuf: the consumer was never woken through epoll");
	printf("OK ringbuf %llu records from %d producers, all delivered once in order, killed producer's record"
	       " discarded, %llu epoll wake-ups\n",
	       (unsigned long long)total, procs * threads, (unsigned long long)r.wakeups);
	return 0;
}

/* ---- perfbuf ---- */

static struct bpftime_map *g_perf;

static void hold_producer_lock(void)
{
	struct bpftime_map_header *h = mmap(NULL, BPFTIME_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
					    bpftime_map_memfd(g_perf), 0);
	bpftime_lock_acquire(&h->producer_lock);
}

static void *perf_body(void *arg)
{
	uint32_t id = (uint32_t)(long)arg;
	for (uint32_t seq = 0; seq < iterations; seq++) {
		uint8_t buf[256];
		uint32_t size = test_record_size(id, seq);
		test_record_fill(buf, id, seq, size);
		long rc = bpftime_perfbuf_output(g_perf, buf, size);
		if (rc == 0)
			sh->produced[id]++;
		else if (rc == -ENOSPC)
			sh->failed[id]++;
		else
			note_error("perfbuf output", rc);
		if (seq % 64 == 0)
			sched_yield();
	}
	return NULL;
}

static int perfbuf(uint32_t pages)
{
	g_perf = create(BPFTIME_OBJ_PERF_BUFFER, 0, 0, pages, 7, 0);
	char off[32], npages[32];
	fmt(off, bpftime_map_mmap_offset(g_perf));
	fmt(npages, pages);
	char *args[] = { consumer_path, "perf", "3", "4", off, npages, NULL };
	start_consumer(args, bpftime_map_memfd(g_perf), bpftime_map_eventfd(g_perf));
	kill_inside(hold_producer_lock);
	run_workers(perf_body);
	uint8_t end[16];
	test_record_fill(end, TEST_END_PRODUCER, 0, 16);
	while (bpftime_perfbuf_output(g_perf, end, 16) == -ENOSPC)
		usleep(1000);
	struct consumer_report r;
	finish_consumer(&r);
	if (sh->errors)
		FAIL("perfbuf: %llu errors, first %s", (unsigned long long)sh->errors, sh->first_error);
	uint64_t delivered = 0, failed = 0;
	for (int p = 0; p < procs * threads; p++) {
		if (r.records[p] != sh->produced[p] || r.gaps[p] > sh->failed[p] || r.disorder[p])
			FAIL("perfbuf: producer %d wrote %llu (%llu dropped), consumer got %llu with %llu missing,"
			     " %llu out of order",
			     p, (unsigned long long)sh->produced[p], (unsigned long long)sh->failed[p],
			     (unsigned long long)r.records[p], (unsigned long long)r.gaps[p],
			     (unsigned long long)r.disorder[p]);
		delivered += r.records[p];
		failed += sh->failed[p];
	}
	/* the end record's own drops (retried above) are counted too */
	if (r.lost < failed)
		FAIL("perfbuf: %llu records dropped, PERF_RECORD_LOST reported %llu", (unsigned long long)failed,
		     (unsigned long long)r.lost);
	printf("OK perfbuf %llu records delivered intact, %llu dropped and reported lost (%llu in PERF_RECORD_LOST),"
	       " producer lock of a killed process recovered\n",
	       (unsigned long long)delivered, (unsigned long long)failed, (unsigned long long)r.lost);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: see the comment at the top of maps_torture.c\n");
		return 2;
	}
	procs = atoi(argv[2]);
	threads = atoi(argv[3]);
	iterations = atol(argv[4]);
	if (procs < 1 || threads < 1 || procs * threads > TEST_MAX_PRODUCERS / 2 || threads > 256 || procs > 256)
		FAIL("procs %d x threads %d out of range", procs, threads);
	char self[4096];
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(consumer_path, sizeof(consumer_path), "%s/kernel_abi_consumer", dirname(self));
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(argv[1], "atomic-add"))
		return atomic_add();
	if (!strcmp(argv[1], "hash-churn"))
		return hash_churn();
	if (!strcmp(argv[1], "ringbuf") && argc > 5)
		return ringbuf((uint32_t)atol(argv[5]));
	if (!strcmp(argv[1], "perfbuf") && argc > 5)
		return perfbuf((uint32_t)atol(argv[5]));
	FAIL("unknown scenario %s", argv[1]);
}
