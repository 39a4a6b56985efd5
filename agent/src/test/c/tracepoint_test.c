/*
 * Tests of the engine's syscall tracepoints (bpftime_tracepoint_*, syscall_tp.c) in a real process
 * under the syscall hooks, one scenario per run (TracepointEngineTest runs each):
 *
 *   tracepoint_test list        the scenarios, one per line
 *   tracepoint_test SCENARIO    prints "ok SCENARIO" and exits 0, or what failed and exits 1
 *
 * The programs are C functions built GPR-only, standing in for JIT images: the engine calls them
 * as it calls an image (prog.jit(ctx, 0)), so routing, records, read sections and counts are the
 * engine's own; the JIT and the agent's linking are tested elsewhere.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpftime_probe.h"
#include "bpftime_syscall_ctx.h"
#include "thread_state.h"

#define GPR_ONLY __attribute__((target("general-regs-only")))
#define CALLS 20000
#define THREADS 4

static const char *scenario;

static void fail(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "FAIL %s: ", scenario);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void expect(long actual, long expected, const char *what)
{
	if (actual != expected)
		fail("%s: actual %ld vs expected %ld", what, actual, expected);
}

/* What the programs saw. A program records a wrong record or a run after its detach returned in
 * `wrong`; `alive` is what the test clears once detach returned. */
static long enter_hits, exit_hits, raw_hits, getpid_hits, wrong;
static long ppid;
static long late, wrong_exit, outside;

/* Every program runs inside its thread's read section (the word odd), or a detach could free it
 * under a running thread. */
GPR_ONLY static int in_section(void)
{
	return probe_thread_self && (probe_thread_self->word & 1);
}
static volatile int alive = 1;

GPR_ONLY static uint64_t prog_getppid_enter(void *ctx, uint64_t r2)
{
	const struct bpftime_sys_enter_ctx *c = ctx;
	if (c->syscall_nr != SYS_getppid || c->pad != 0 || r2 != 0)
		__atomic_fetch_add(&wrong, 1, __ATOMIC_RELAXED);
	if (!alive)
		__atomic_fetch_add(&late, 1, __ATOMIC_RELAXED);
	if (!in_section())
		__atomic_fetch_add(&outside, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&enter_hits, 1, __ATOMIC_RELAXED);
	return 0;
}

GPR_ONLY static uint64_t prog_getppid_exit(void *ctx, uint64_t r2)
{
	const struct bpftime_sys_exit_ctx *c = ctx;
	if (c->syscall_nr != SYS_getppid || c->ret != ppid)
		__atomic_fetch_add(&wrong_exit, 1, __ATOMIC_RELAXED);
	if (!in_section())
		__atomic_fetch_add(&outside, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&exit_hits, 1, __ATOMIC_RELAXED);
	return 0;
}

GPR_ONLY static uint64_t prog_raw_enter(void *ctx, uint64_t r2)
{
	const struct bpftime_raw_sys_enter_ctx *c = ctx;
	if (c->id == SYS_getppid)
		__atomic_fetch_add(&raw_hits, 1, __ATOMIC_RELAXED);
	return 0;
}

GPR_ONLY static uint64_t prog_getpid_enter(void *ctx, uint64_t r2)
{
	const struct bpftime_sys_enter_ctx *c = ctx;
	/* an impure program's record has the registers' address as its head (helpers read them) */
	if (c->syscall_nr != SYS_getpid || !c->head.regs || c->head.regs->orig_rax != SYS_getpid)
		__atomic_fetch_add(&wrong, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&getpid_hits, 1, __ATOMIC_RELAXED);
	return 0;
}

#define NO_HELPERS (BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS)

static int attach(int32_t nr, uint32_t exit, bpftime_jit_fn fn, uint32_t flags)
{
	struct bpftime_tracepoint_spec spec = { nr, exit };
	int id = bpftime_tracepoint_attach(&spec, (struct bpftime_probe_prog){ .jit = fn, .flags = flags }, 7);
	if (id <= 0)
		fail("attach nr %d exit %u: %s", nr, exit, strerror(-id));
	return id;
}

static void detach(int id)
{
	int err = bpftime_tracepoint_detach(id);
	if (err)
		fail("detach %d: %s", id, strerror(-err));
}

static void *call_getppid(void *arg)
{
	long n = (long)arg;
	for (long i = 0; i < n; i++)
		if (getppid() != ppid)
			__atomic_fetch_add(&wrong, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* n getppid calls in each of `threads` threads (0: in this one) */
static void run_calls(int threads, long n)
{
	pthread_t t[THREADS];
	if (!threads) {
		call_getppid((void *)n);
		return;
	}
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, call_getppid, (void *)n) != 0)
			fail("pthread_create");
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
}

static void reset(void)
{
	enter_hits = exit_hits = raw_hits = getpid_hits = 0;
}

/* A lone helper-free sys_enter program (the hooks' direct program): every call of every thread,
 * its record the kernel's; a thread's first calls (no read-section slot yet) go through the
 * callbacks, which must count them too. Detached: nothing more. */
static void scenario_direct(void)
{
	int id = attach(SYS_getppid, 0, prog_getppid_enter, NO_HELPERS);
	run_calls(THREADS, CALLS);
	run_calls(0, CALLS);
	expect(enter_hits, (THREADS + 1) * CALLS, "sys_enter_getppid hits");
	detach(id);
	run_calls(0, CALLS);
	expect(enter_hits, (THREADS + 1) * CALLS, "hits after detach");
}

/* The same program with an exit program and a raw_syscalls program beside it: the number then goes
 * through the callbacks; each still counts every call. Then the raw one alone is detached, and the
 * exit one: back to the direct program, counts still exact. */
static void scenario_mixed(void)
{
	int en = attach(SYS_getppid, 0, prog_getppid_enter, NO_HELPERS);
	int ex = attach(SYS_getppid, 1, prog_getppid_exit, NO_HELPERS);
	int raw = attach(BPFTIME_TRACEPOINT_RAW, 0, prog_raw_enter, NO_HELPERS);
	int gp = attach(SYS_getpid, 0, prog_getpid_enter, BPFTIME_PROBE_PROG_F_GPR_ONLY);
	run_calls(THREADS, CALLS);
	expect(enter_hits, THREADS * CALLS, "sys_enter_getppid hits");
	expect(exit_hits, THREADS * CALLS, "sys_exit_getppid hits");
	expect(raw_hits, THREADS * CALLS, "raw_syscalls:sys_enter hits of getppid");
	for (int i = 0; i < 100; i++)
		syscall(SYS_getpid);
	expect(getpid_hits, 100, "sys_enter_getpid hits (a program calling helpers)");
	detach(raw);
	detach(ex);
	reset();
	run_calls(THREADS, CALLS);
	expect(enter_hits, THREADS * CALLS, "sys_enter_getppid hits, alone again");
	expect(exit_hits + raw_hits, 0, "hits of detached programs");
	detach(en);
	detach(gp);
}

/* Attach and detach in a loop while threads call getppid: no program runs after its detach returned
 * (its `alive` flag is cleared then), nothing crashes, every run saw the kernel's record. */
static volatile int stop;
static void *churn_calls(void *arg)
{
	(void)arg;
	while (!stop)
		if (getppid() != ppid)
			__atomic_fetch_add(&wrong, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void scenario_churn(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, churn_calls, NULL) != 0)
			fail("pthread_create");
	for (int i = 0; i < 300; i++) {
		alive = 1;
		int id = attach(SYS_getppid, 0, prog_getppid_enter, NO_HELPERS);
		int ex = i % 3 == 0 ? attach(SYS_getppid, 1, prog_getppid_exit, NO_HELPERS) : 0;
		usleep(200);
		if (ex)
			detach(ex);
		detach(id);
		alive = 0;
		usleep(100);
	}
	stop = 1;
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	if (enter_hits == 0)
		fail("no hit at all while attached");
}

/* Bad input gets the errno the API promises. */
static void scenario_bad_input(void)
{
	struct bpftime_tracepoint_spec spec = { 512, 0 };
	struct bpftime_probe_prog prog = { .jit = prog_getppid_enter, .flags = NO_HELPERS };
	expect(bpftime_tracepoint_attach(&spec, prog, 0), -EINVAL, "nr 512");
	spec = (struct bpftime_tracepoint_spec){ -2, 0 };
	expect(bpftime_tracepoint_attach(&spec, prog, 0), -EINVAL, "nr -2");
	spec = (struct bpftime_tracepoint_spec){ SYS_getppid, 2 };
	expect(bpftime_tracepoint_attach(&spec, prog, 0), -EINVAL, "exit 2");
	spec = (struct bpftime_tracepoint_spec){ SYS_getppid, 0 };
	expect(bpftime_tracepoint_attach(&spec, (struct bpftime_probe_prog){ 0 }, 0), -EINVAL, "no program");
	expect(bpftime_tracepoint_attach(NULL, prog, 0), -EINVAL, "no spec");
	expect(bpftime_tracepoint_detach(12345), -ENOENT, "detach of an unknown id");
	int id = attach(SYS_getppid, 0, prog_getppid_enter, NO_HELPERS);
	detach(id);
	expect(bpftime_tracepoint_detach(id), -ENOENT, "second detach");
}

static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{ "direct", scenario_direct },
	{ "mixed", scenario_mixed },
	{ "churn", scenario_churn },
	{ "bad_input", scenario_bad_input },
};

int main(int argc, char **argv)
{
	int n = (int)(sizeof(scenarios) / sizeof(scenarios[0]));

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		for (int i = 0; i < n; i++)
			printf("%s\n", scenarios[i].name);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: tracepoint_test list | SCENARIO\n");
		return 2;
	}
	scenario = argv[1];
	ppid = getppid();
	int err = bpftime_tracepoint_install();
	if (err == -ENOSYS) {
		printf("skip %s: no Syscall User Dispatch in this kernel (Linux 5.11+)\n", scenario);
		return 0;
	}
	if (err)
		fail("bpftime_tracepoint_install: %s", strerror(-err));
	for (int i = 0; i < n; i++) {
		if (strcmp(scenarios[i].name, scenario) == 0) {
			scenarios[i].run();
			expect(wrong, 0, "runs that saw a record unlike the kernel's (or a getppid that returned another value)");
			expect(wrong_exit, 0, "sys_exit runs that saw a record unlike the kernel's");
			expect(late, 0, "runs after their detach returned");
			expect(outside, 0, "runs outside the thread's read section");
			printf("ok %s\n", scenario);
			return 0;
		}
	}
	fail("no such scenario");
	return 1;
}
