/*
 * Tests of the probe engine, one scenario per run (ProbeEngineTest runs each with each engine):
 *
 *   probe_test ENGINE SCENARIO [IMAGES]    ENGINE is interp or jit (JIT images read from IMAGES)
 *   probe_test dump DIR                    writes the programs' instructions for the JIT step
 *
 * Prints "ok SCENARIO" and exits 0, or prints what failed ("actual X vs expected Y") and exits 1.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <time.h>
#include <unistd.h>

#include "bpftime_probe.h"
#include "support/targets.h"
#include "support/test_progs.h"

static const char *scenario;

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s: ", scenario);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

#define CHECK(cond, ...)              \
	do {                          \
		if (!(cond))          \
			fail(__VA_ARGS__); \
	} while (0)

#define EXPECT_EQ(actual, expected, what)                                                              \
	do {                                                                                           \
		unsigned long long a_ = (unsigned long long)(actual), e_ = (unsigned long long)(expected); \
		CHECK(a_ == e_, "%s: actual %#llx vs expected %#llx", what, a_, e_);                   \
	} while (0)

static int attach_at(uint32_t kind, const void *addr, enum prog_id p, uint64_t cookie, uint32_t flags)
{
	struct bpftime_probe_spec spec = { kind, flags, NULL, (uintptr_t)addr };
	int id = bpftime_probe_attach(&spec, progs_get(p), cookie);
	CHECK(id > 0, "attach %s at %p: error %d", prog_names[p], addr, id);
	return id;
}

static void detach(int id)
{
	int r = bpftime_probe_detach(id);
	CHECK(r == 0, "detach %d: error %d", id, r);
}

static void expect_mode(int id, uint32_t mode, const char *why)
{
	struct bpftime_probe_info info;
	CHECK(bpftime_probe_info(id, &info) == 0, "info %d", id);
	CHECK(info.mode == mode, "mode of probe at %#llx: actual %u (%s) vs expected %u", (unsigned long long)info.address,
	      info.mode, info.why_int3, mode);
	if (why)
		CHECK(strstr(info.why_int3, why), "why int3: actual '%s' vs expected '%s'", info.why_int3, why);
}

/* ---- what the "record" program saw ---- */

static void expect_inline_call_regs(const char *what, int with_func_ip)
{
	const uint64_t *r = progs_record();
	EXPECT_EQ(r[REC_DI], 1, "di");
	EXPECT_EQ(r[REC_SI], 2, "si");
	EXPECT_EQ(r[REC_DX], 3, "dx");
	EXPECT_EQ(r[REC_CX], 4, "cx");
	EXPECT_EQ(r[REC_R8], 5, "r8");
	EXPECT_EQ(r[REC_R9], 6, "r9");
	EXPECT_EQ(r[REC_BX], 0x0b0b0b0b0b0b0b0bull, "bx");
	EXPECT_EQ(r[REC_BP], 0x0bb0bb0bb0bb0bb0ull, "bp");
	EXPECT_EQ(r[REC_R12], 0x1212121212121212ull, "r12");
	EXPECT_EQ(r[REC_R13], 0x1313131313131313ull, "r13");
	EXPECT_EQ(r[REC_R14], 0x1414141414141414ull, "r14");
	EXPECT_EQ(r[REC_R15], 0x1515151515151515ull, "r15");
	EXPECT_EQ(r[REC_IP], (uintptr_t)t_inline, "ip");
	EXPECT_EQ(r[REC_SP], t_call_sp - 8, "sp (the return address slot)");
	if (with_func_ip)
		EXPECT_EQ(r[REC_FUNC_IP], (uintptr_t)t_inline, "bpf_get_func_ip");
	CHECK(r[REC_FLAGS] & 0x2, "flags: actual %#llx vs expected bit 1 (always set)", (unsigned long long)r[REC_FLAGS]);
	(void)what;
}

static void entry_probe_checks(uint32_t flags, uint32_t mode)
{
	uint8_t before[16];
	memcpy(before, (const void *)t_inline, sizeof(before));
	long body = t_inline_body;
	int id = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_RECORD, 0xc0ffee, flags);
	expect_mode(id, mode, NULL);
	EXPECT_EQ(call_t_inline_regs(), 91, "t_inline(1..6)");
	expect_inline_call_regs("entry", 1);
	EXPECT_EQ(progs_record()[REC_COOKIE], 0xc0ffee, "bpf_get_attach_cookie");
	for (int i = 0; i < 999; i++)
		EXPECT_EQ(t_inline(i, 0, 0, 0, 0, 1), i + 6, "t_inline(i, 0, 0, 0, 0, 1)");
	EXPECT_EQ(progs_count(COUNT_RECORD), 1000, "hits");
	EXPECT_EQ(t_inline_body - body, 1000, "body runs");
	detach(id);
	EXPECT_EQ(t_inline(1, 1, 1, 1, 1, 1), 21, "t_inline after detach");
	EXPECT_EQ(progs_count(COUNT_RECORD), 1000, "hits after detach");
	CHECK(memcmp(before, (const void *)t_inline, sizeof(before)) == 0, "code not restored after detach");
}

static void scenario_entry_inline(void)
{
	entry_probe_checks(0, BPFTIME_PROBE_MODE_INLINE);
}

static void scenario_entry_int3(void)
{
	entry_probe_checks(BPFTIME_PROBE_F_INT3, BPFTIME_PROBE_MODE_INT3);
	/* a function shorter than a jump gets a breakpoint by itself */
	int id = attach_at(BPFTIME_PROBE_ENTRY, t_short, PROG_RECORD, 7, 0);
	expect_mode(id, BPFTIME_PROBE_MODE_INT3, "shorter than a jump");
	EXPECT_EQ(t_short(41), 42, "t_short(41)");
	EXPECT_EQ(progs_record()[REC_DI], 41, "di at t_short");
	EXPECT_EQ(progs_record()[REC_IP], (uintptr_t)t_short, "ip at t_short");
	EXPECT_EQ(progs_record()[REC_COOKIE], 7, "cookie at t_short");
	for (int i = 0; i < 99; i++)
		EXPECT_EQ(t_short(i), i + 1, "t_short(i)");
	EXPECT_EQ(progs_count(COUNT_RECORD), 1000 + 100, "hits");
	detach(id);
}

/* Functions whose first instructions need relocation or emulation, through both paths. */
static void relocation_checks(uint32_t flags)
{
	struct {
		const void *fn;
		uint32_t mode;
		const char *why;
	} sites[] = {
		{ t_riprel, BPFTIME_PROBE_MODE_INLINE, NULL },
		{ t_branch_first, BPFTIME_PROBE_MODE_INLINE, NULL },
		{ t_call_first, BPFTIME_PROBE_MODE_INLINE, NULL },
		{ t_jmp_first, BPFTIME_PROBE_MODE_INLINE, NULL },
		{ t_loop_target, BPFTIME_PROBE_MODE_INT3, "branch targets" },
	};
	int n = sizeof(sites) / sizeof(sites[0]), ids[8];
	uint64_t base = progs_count(COUNT_PLAIN);
	for (int i = 0; i < n; i++) {
		ids[i] = attach_at(BPFTIME_PROBE_ENTRY, sites[i].fn, PROG_COUNT, 0, flags);
		expect_mode(ids[i], flags ? BPFTIME_PROBE_MODE_INT3 : sites[i].mode, flags ? NULL : sites[i].why);
	}
	uint64_t calls = 0;
	for (long a = -3; a < 50; a++) {
		t_counter = a * 7;
		EXPECT_EQ(t_riprel(a), a * 8, "t_riprel");
		EXPECT_EQ(t_branch_first(a), a ? a + 100 : -1, "t_branch_first");
		EXPECT_EQ(t_call_first(a), a + 1000, "t_call_first");
		EXPECT_EQ(t_jmp_first(a), a * 8, "t_jmp_first (tail jump into t_riprel, probed too)");
		EXPECT_EQ(t_loop_target(a, 5), a * 5, "t_loop_target");
		calls += 6;
	}
	EXPECT_EQ(progs_count(COUNT_PLAIN) - base, calls, "hits");
	for (int i = 0; i < n; i++)
		detach(ids[i]);
}

static void scenario_relocation(void)
{
	relocation_checks(0);
	relocation_checks(BPFTIME_PROBE_F_INT3);
}

/* Vector and flag state survives programs whose helper destroys every vector register. */
static void vector_checks(uint32_t flags)
{
	int ids[8], n = 0;
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_float_args, PROG_CLOBBER, 0, flags);
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_ymm_store, PROG_CLOBBER, 0, flags);
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_vec_mid_probe, PROG_CLOBBER, 0, flags);
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_flags_mid_probe, PROG_CLOBBER, 0, flags);
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_redzone_mid_probe, PROG_CLOBBER, 0, flags);
	if (progs_cpu_avx512())
		ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_zmm_mid_probe, PROG_CLOBBER, 0, flags);
	for (int i = 0; i < n; i++)
		expect_mode(ids[i], flags ? BPFTIME_PROBE_MODE_INT3 : BPFTIME_PROBE_MODE_INLINE, NULL);
	uint64_t base = progs_count(COUNT_CLOBBER);

	errno = 1234;
	double sum = t_float_args(1, 2, 3, 4, 5, 6, 7, 8);
	EXPECT_EQ(errno, 1234, "errno after a probe whose helper set it");
	CHECK(sum == 204.0, "t_float_args: actual %g vs expected 204", sum);
	uint8_t in[64], out[72];
	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)(i * 37 + 1);
	memset(out, 0, sizeof(out));
	call_ymm_store(in, out);
	CHECK(memcmp(in, out, 32) == 0, "ymm0 (a 256-bit argument) changed by the probe");
	memset(out, 0, sizeof(out));
	t_vec_mid(in, out);
	CHECK(memcmp(in, out, 64) == 0, "ymm8/ymm15 changed by a probe in the middle of a function");
	EXPECT_EQ(t_flags_mid(1, 2), 1, "flags across the probe (1 < 2)");
	EXPECT_EQ(t_flags_mid(5, -2), 0, "flags across the probe (5 < -2)");
	EXPECT_EQ(t_redzone_mid(40, 2), 42, "red zone across the probe");
	uint64_t calls = 6;
	if (progs_cpu_avx512()) {
		memset(out, 0, sizeof(out));
		t_zmm_mid(in, out);
		CHECK(memcmp(in, out, 64) == 0, "zmm20 changed by the probe");
		uint64_t k3;
		memcpy(&k3, out + 64, 8);
		EXPECT_EQ(k3 & 0xffff, 0x5a5a, "k3 across the probe");
		calls++;
	}
	EXPECT_EQ(progs_count(COUNT_CLOBBER) - base, calls, "hits");
	for (int i = 0; i < n; i++)
		detach(ids[i]);
}

static void scenario_vectors(void)
{
	vector_checks(0);
	vector_checks(BPFTIME_PROBE_F_INT3);
}

/* ---- GPR-only programs: the trampoline saves no vector register for them ---- */

static volatile int flipping;
static volatile long gpr_thread_failures;

static void *call_float_args(void *arg)
{
	(void)arg;
	while (flipping) {
		errno = 77;
		if (t_float_args(1, 2, 3, 4, 5, 6, 7, 8) != 204.0 || errno != 77)
			gpr_thread_failures++;
	}
	return NULL;
}

static void scenario_gpr_only(void)
{
	int ids[8], n = 0;
	progs_reset();
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_float_args, PROG_COUNT_GPR, 0, 0);
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_ymm_store, PROG_COUNT_GPR, 0, 0);
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_vec_mid_probe, PROG_COUNT_GPR, 0, 0);
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_flags_mid_probe, PROG_COUNT_GPR, 0, 0);
	ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_redzone_mid_probe, PROG_COUNT_GPR, 0, 0);
	if (progs_cpu_avx512())
		ids[n++] = attach_at(BPFTIME_PROBE_ENTRY, t_zmm_mid_probe, PROG_COUNT_GPR, 0, 0);
	for (int i = 0; i < n; i++)
		expect_mode(ids[i], BPFTIME_PROBE_MODE_INLINE, NULL);

	errno = 1234;
	double sum = t_float_args(1, 2, 3, 4, 5, 6, 7, 8);
	EXPECT_EQ(errno, 1234, "errno after a GPR-only probe");
	CHECK(sum == 204.0, "t_float_args under a GPR-only probe: actual %g vs expected 204", sum);
	uint8_t in[64], out[72];
	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)(i * 41 + 3);
	memset(out, 0, sizeof(out));
	call_ymm_store(in, out);
	CHECK(memcmp(in, out, 32) == 0, "ymm0 (a 256-bit argument) changed by a GPR-only probe");
	memset(out, 0, sizeof(out));
	t_vec_mid(in, out);
	CHECK(memcmp(in, out, 64) == 0, "ymm8/ymm15 changed by a GPR-only probe in the middle of a function");
	EXPECT_EQ(t_flags_mid(1, 2), 1, "flags across a GPR-only probe (1 < 2)");
	EXPECT_EQ(t_flags_mid(5, -2), 0, "flags across a GPR-only probe (5 < -2)");
	EXPECT_EQ(t_redzone_mid(40, 2), 42, "red zone across a GPR-only probe");
	uint64_t calls = 6;
	if (progs_cpu_avx512()) {
		memset(out, 0, sizeof(out));
		t_zmm_mid(in, out);
		CHECK(memcmp(in, out, 64) == 0, "zmm20 changed by a GPR-only probe");
		calls++;
	}
	EXPECT_EQ(progs_count(COUNT_GPR), calls, "hits of the GPR-only program");

	/* Beside a program that is not GPR-only (its helper destroys the vector registers and errno),
	 * the site's hits save everything again. */
	int clobber = attach_at(BPFTIME_PROBE_ENTRY, t_float_args, PROG_CLOBBER, 0, 0);
	uint64_t clobbered = progs_count(COUNT_CLOBBER);
	errno = 1234;
	sum = t_float_args(1, 2, 3, 4, 5, 6, 7, 8);
	EXPECT_EQ(errno, 1234, "errno after a GPR-only and a clobbering program");
	CHECK(sum == 204.0, "t_float_args under both programs: actual %g vs expected 204", sum);
	EXPECT_EQ(progs_count(COUNT_CLOBBER) - clobbered, 1, "hits of the clobbering program");
	EXPECT_EQ(progs_count(COUNT_GPR), calls + 1, "hits of the GPR-only program beside it");
	detach(clobber);

	/* A thread calls all along while the site's list flips between GPR-only and not: a hit that
	 * read the old hint must still save what the new list's programs destroy. */
	pthread_t thread;
	flipping = 1;
	CHECK(pthread_create(&thread, NULL, call_float_args, NULL) == 0, "pthread_create");
	for (int i = 0; i < 300; i++)
		detach(attach_at(BPFTIME_PROBE_ENTRY, t_float_args, PROG_CLOBBER, 0, 0));
	flipping = 0;
	pthread_join(thread, NULL);
	EXPECT_EQ(gpr_thread_failures, 0, "calls whose float arguments or errno a probe changed");
	for (int i = 0; i < n; i++)
		detach(ids[i]);
}

/*
 * A lone program calling no helper runs straight from the trampoline (on the JIT): it sees pt_regs as
 * the C path shows them; a return program at the site, or a second entry program, sends hits through
 * the C path again, and detaching any of them goes back; counts are exact throughout.
 */
static void scenario_direct(void)
{
	progs_reset();
	int id = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_RECORD_DIRECT, 0, 0);
	expect_mode(id, BPFTIME_PROBE_MODE_INLINE, NULL);
	errno = 4321;
	EXPECT_EQ(call_t_inline_regs(), 91, "t_inline(1..6) under the direct program");
	EXPECT_EQ(errno, 4321, "errno after the direct program");
	expect_inline_call_regs("direct", 0);
	EXPECT_EQ(progs_count(COUNT_RECORD), 1, "direct program hits");

	int ret = attach_at(BPFTIME_PROBE_RETURN, t_inline, PROG_COUNT_GPR, 0, 0);
	EXPECT_EQ(t_inline(1, 1, 1, 1, 1, 1), 21, "t_inline with a return program too");
	EXPECT_EQ(progs_count(COUNT_RECORD), 2, "entry hits beside a return program");
	EXPECT_EQ(progs_count(COUNT_GPR), 1, "return hits");
	detach(ret);
	int second = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_COUNT_GPR, 0, 0);
	EXPECT_EQ(t_inline(1, 1, 1, 1, 1, 1), 21, "t_inline with two entry programs");
	EXPECT_EQ(progs_count(COUNT_RECORD), 3, "entry hits beside a second entry program");
	EXPECT_EQ(progs_count(COUNT_GPR), 2, "second entry program hits");
	detach(second);
	for (int i = 0; i < 1000; i++)
		EXPECT_EQ(t_inline(i, 0, 0, 0, 0, 1), i + 6, "t_inline(i, 0, 0, 0, 0, 1)");
	EXPECT_EQ(call_t_inline_regs(), 91, "t_inline(1..6) under the direct program again");
	EXPECT_EQ(progs_count(COUNT_RECORD), 1004, "direct program hits after the others left");
	expect_inline_call_regs("direct", 0);
	detach(id);
	EXPECT_EQ(t_inline(1, 1, 1, 1, 1, 1), 21, "t_inline after detach");
	EXPECT_EQ(progs_count(COUNT_RECORD), 1004, "hits after detach");

	/* A lone return program calling no helper runs straight from the return trampoline; recursion
	 * stacks shadow entries the entry fast path pushes and the return fast path pops. */
	uint64_t before = progs_count(COUNT_GPR);
	int fact = attach_at(BPFTIME_PROBE_RETURN, t_fact, PROG_COUNT_GPR, 0, 0);
	expect_mode(fact, BPFTIME_PROBE_MODE_INLINE, NULL);
	for (int i = 0; i < 100; i++)
		EXPECT_EQ(t_fact(5), 120, "t_fact(5) under a direct return program");
	EXPECT_EQ(progs_count(COUNT_GPR) - before, 500, "returns of t_fact counted");
	detach(fact);
	EXPECT_EQ(t_fact(5), 120, "t_fact(5) after detach");
	EXPECT_EQ(progs_count(COUNT_GPR) - before, 500, "returns after detach");
}

static volatile long handler_calls, handler_wrong;

static void call_fact_in_handler(int sig)
{
	(void)sig;
	int saved = errno;
	if (t_fact(3) != 6)
		handler_wrong++;
	handler_calls++;
	errno = saved;
}

/*
 * Uretprobes under signals: a profiling timer interrupts a loop of t_fact(5) anywhere, inside the
 * fast paths' pushes and pops included, and its handler calls t_fact(3) on the same thread. Every
 * call returns right, and each call's return is counted or its entry was a miss (a hit while the
 * thread runs a program).
 */
static void scenario_return_signals(void)
{
	uint64_t before = progs_count(COUNT_GPR);
	int fact = attach_at(BPFTIME_PROBE_RETURN, t_fact, PROG_COUNT_GPR, 0, 0);
	expect_mode(fact, BPFTIME_PROBE_MODE_INLINE, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = call_fact_in_handler;
	sa.sa_flags = SA_RESTART;
	CHECK(sigaction(SIGPROF, &sa, NULL) == 0, "sigaction SIGPROF");
	struct itimerval every = { { 0, 20 }, { 0, 20 } }, off = { { 0, 0 }, { 0, 0 } };
	CHECK(setitimer(ITIMER_PROF, &every, NULL) == 0, "setitimer");
	/* the timer's resolution is the scheduler tick (4 ms at HZ=250): 100 signals take some 0.4 s */
	long calls = 0;
	time_t deadline = time(NULL) + 20;
	while (handler_calls < 100 && time(NULL) < deadline) {
		for (int i = 0; i < 100000; i++) {
			if (t_fact(5) != 120)
				fail("t_fact(5) wrong under signals");
		}
		calls += 100000;
	}
	setitimer(ITIMER_PROF, &off, NULL);
	signal(SIGPROF, SIG_IGN);
	CHECK(handler_calls >= 100, "only %ld signals in %ld calls", handler_calls, calls);
	EXPECT_EQ(handler_wrong, 0, "t_fact(3) wrong in the handler");
	struct bpftime_probe_info info;
	CHECK(bpftime_probe_info(fact, &info) == 0, "info");
	EXPECT_EQ(progs_count(COUNT_GPR) - before + info.misses, 5 * calls + 3 * handler_calls,
		  "returns counted + missed entries");
	detach(fact);
}

static void return_checks(uint32_t flags)
{
	uint64_t base = progs_count(COUNT_RECORD), plain = progs_count(COUNT_PLAIN);
	int ret = attach_at(BPFTIME_PROBE_RETURN, t_inline, PROG_RECORD, 99, flags);
	int entry = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_COUNT, 0, flags);
	EXPECT_EQ(call_t_inline_regs(), 91, "t_inline(1..6) under a uretprobe");
	const uint64_t *r = progs_record();
	EXPECT_EQ(r[REC_AX], 91, "ax (the return value)");
	EXPECT_EQ(r[REC_IP], (uintptr_t)call_t_inline_regs_ret, "ip (the real return address)");
	EXPECT_EQ(r[REC_SP], t_call_sp, "sp after the return");
	EXPECT_EQ(r[REC_BX], 0x0b0b0b0b0b0b0b0bull, "bx at return");
	EXPECT_EQ(r[REC_R15], 0x1515151515151515ull, "r15 at return");
	EXPECT_EQ(r[REC_FUNC_IP], (uintptr_t)t_inline, "bpf_get_func_ip at return");
	EXPECT_EQ(r[REC_COOKIE], 99, "cookie at return");
	for (int i = 0; i < 999; i++)
		EXPECT_EQ(t_inline(i, 1, 0, 0, 0, 0), i + 2, "t_inline under a uretprobe");
	EXPECT_EQ(progs_count(COUNT_RECORD) - base, 1000, "return hits");
	EXPECT_EQ(progs_count(COUNT_PLAIN) - plain, 1000, "entry hits beside the uretprobe");
	detach(ret);
	detach(entry);

	int id = attach_at(BPFTIME_PROBE_RETURN, t_short, PROG_RECORD, 0, flags);
	EXPECT_EQ(t_short(9), 10, "t_short under a uretprobe");
	EXPECT_EQ(progs_record()[REC_AX], 10, "ax at t_short's return");
	detach(id);

	/* t_jmp_first tail-jumps into t_riprel: one return slot, two uretprobes chained on it */
	base = progs_count(COUNT_RECORD);
	plain = progs_count(COUNT_PLAIN);
	int outer = attach_at(BPFTIME_PROBE_RETURN, t_jmp_first, PROG_COUNT, 0, flags);
	int inner = attach_at(BPFTIME_PROBE_RETURN, t_riprel, PROG_RECORD, 0, flags);
	t_counter = 5;
	for (int i = 0; i < 10; i++)
		EXPECT_EQ(t_jmp_first(i), i + 5, "t_jmp_first (tail call) under uretprobes");
	EXPECT_EQ(progs_count(COUNT_RECORD) - base, 10, "returns seen by the tail-called function's uretprobe");
	EXPECT_EQ(progs_count(COUNT_PLAIN) - plain, 10, "returns seen by the tail-calling function's uretprobe");
	EXPECT_EQ(progs_record()[REC_AX], 9 + 5, "return value at the chained uretprobe");
	/* the kernel shows the real return address, in the caller's code, never one of our addresses */
	Dl_info where;
	CHECK(dladdr((void *)(uintptr_t)progs_record()[REC_IP], &where) && where.dli_fname,
	      "ip at the chained uretprobe %#llx is in no loaded object (a trampoline's?)",
	      (unsigned long long)progs_record()[REC_IP]);
	detach(outer);
	detach(inner);
}

static void scenario_uretprobe(void)
{
	return_checks(0);
	return_checks(BPFTIME_PROBE_F_INT3);
}

static void scenario_recursion(void)
{
	for (int pass = 0; pass < 2; pass++) {
		uint32_t flags = pass ? BPFTIME_PROBE_F_INT3 : 0;
		progs_reset();
		int ret = attach_at(BPFTIME_PROBE_RETURN, t_fact, PROG_RECORD, 0, flags);
		int entry = attach_at(BPFTIME_PROBE_ENTRY, t_fact, PROG_COUNT, 0, flags);
		EXPECT_EQ(t_fact(10), 3628800, "t_fact(10)");
		EXPECT_EQ(progs_count(COUNT_RECORD), 10, "returns of t_fact(10)");
		EXPECT_EQ(progs_count(COUNT_PLAIN), 10, "entries of t_fact(10)");
		EXPECT_EQ(progs_record()[REC_SUM_AX], 4037913, "sum of 1! .. 10! seen at the returns");
		EXPECT_EQ(progs_record()[REC_AX], 3628800, "last return value");
		detach(ret);
		detach(entry);
	}
}

static jmp_buf jump_env;
static volatile long jumpy_sink;

__attribute__((noinline)) static long jumpy(long depth, int do_jump)
{
	if (depth == 0) {
		if (do_jump)
			longjmp(jump_env, 1);
		return 0;
	}
	long r = jumpy(depth - 1, do_jump) + 1;
	jumpy_sink = r;
	return r;
}

static void scenario_longjmp(void)
{
	int id = attach_at(BPFTIME_PROBE_RETURN, jumpy, PROG_RECORD, 0, 0);
	/* 200 x 6 frames abandoned: more than a shadow stack holds */
	for (int i = 0; i < 200; i++)
		if (!setjmp(jump_env))
			jumpy(5, 1);
	EXPECT_EQ(progs_count(COUNT_RECORD), 0, "returns from abandoned frames");
	EXPECT_EQ(jumpy(7, 0), 7, "jumpy(7) after longjmps");
	EXPECT_EQ(progs_count(COUNT_RECORD), 8, "returns of jumpy(7)");
	EXPECT_EQ(progs_record()[REC_AX], 7, "last return value");
	int fact = attach_at(BPFTIME_PROBE_RETURN, t_fact, PROG_COUNT, 0, 0);
	EXPECT_EQ(t_fact(6), 720, "t_fact(6)");
	EXPECT_EQ(progs_count(COUNT_PLAIN), 6, "returns of t_fact(6)");
	detach(id);
	detach(fact);
}

/* A uretprobe'd function suspended on a coroutine's stack while the main stack has its own
 * uretprobe'd frame: each return finds its own entry (swapcontext, makecontext). */
static ucontext_t main_ctx, co_ctx;
static volatile long co_result;

__attribute__((noinline)) static long yielding(long x)
{
	swapcontext(&co_ctx, &main_ctx);
	jumpy_sink = x;
	return x + 1;
}

static void co_body(void)
{
	co_result = yielding(41);
}

__attribute__((noinline)) static long resume_co(void)
{
	swapcontext(&main_ctx, &co_ctx);
	jumpy_sink = 0;
	return 7;
}

static void scenario_coroutine(void)
{
	int a = attach_at(BPFTIME_PROBE_RETURN, yielding, PROG_RECORD, 0, 0);
	int b = attach_at(BPFTIME_PROBE_RETURN, resume_co, PROG_COUNT, 0, 0);
	static char stack[256 * 1024];
	getcontext(&co_ctx);
	co_ctx.uc_stack.ss_sp = stack;
	co_ctx.uc_stack.ss_size = sizeof(stack);
	co_ctx.uc_link = &main_ctx;
	makecontext(&co_ctx, co_body, 0);
	swapcontext(&main_ctx, &co_ctx); /* the coroutine stops inside yielding */
	EXPECT_EQ(t_fact(3), 6, "a call on the main stack meanwhile");
	EXPECT_EQ(resume_co(), 7, "resume_co, whose frame waits while the coroutine's returns");
	EXPECT_EQ(co_result, 42, "the coroutine's result");
	EXPECT_EQ(progs_count(COUNT_RECORD), 1, "yielding's return");
	EXPECT_EQ(progs_record()[REC_AX], 42, "yielding's return value");
	EXPECT_EQ(progs_count(COUNT_PLAIN), 1, "resume_co's return");
	detach(a);
	detach(b);
}

static void scenario_override(void)
{
	long body = t_inline_body;
	int id = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_OVERRIDE, 0, 0);
	expect_mode(id, BPFTIME_PROBE_MODE_INLINE, NULL);
	EXPECT_EQ(call_t_inline_regs(), 42, "t_inline overridden");
	EXPECT_EQ(t_inline_body - body, 0, "body runs of an overridden function");
	int ret = attach_at(BPFTIME_PROBE_RETURN, t_inline, PROG_RECORD, 0, 0);
	EXPECT_EQ(call_t_inline_regs(), 42, "t_inline overridden, with a uretprobe");
	EXPECT_EQ(progs_record()[REC_AX], 42, "the uretprobe sees the overriding value");
	EXPECT_EQ(progs_record()[REC_IP], (uintptr_t)call_t_inline_regs_ret, "uretprobe ip after an override");
	detach(ret);
	detach(id);
	EXPECT_EQ(call_t_inline_regs(), 91, "t_inline after the override is detached");

	id = attach_at(BPFTIME_PROBE_ENTRY, t_short, PROG_OVERRIDE, 0, 0);
	expect_mode(id, BPFTIME_PROBE_MODE_INT3, NULL);
	EXPECT_EQ(t_short(1), 42, "t_short overridden (int3)");
	detach(id);
	id = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_OVERRIDE, 0, BPFTIME_PROBE_F_INT3);
	EXPECT_EQ(t_inline(1, 2, 3, 4, 5, 6), 42, "t_inline overridden (int3)");
	detach(id);
	/* not at a function's first instruction: the helper refuses, the function runs */
	id = attach_at(BPFTIME_PROBE_ENTRY, t_redzone_mid_probe, PROG_OVERRIDE, 0, 0);
	EXPECT_EQ(t_redzone_mid(1, 2), 3, "override refused in the middle of a function");
	detach(id);
	EXPECT_EQ(progs_count(COUNT_OVERRIDE), 5, "override program runs");
}

static void scenario_multi(void)
{
	int a = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_COUNT, 0, 0);
	int b = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_COUNT_ALT, 0, 0);
	int c = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_RECORD, 5, 0);
	for (int i = 0; i < 100; i++)
		t_inline(i, 0, 0, 0, 0, 0);
	detach(b);
	for (int i = 0; i < 100; i++)
		t_inline(i, 0, 0, 0, 0, 0);
	EXPECT_EQ(progs_count(COUNT_PLAIN), 200, "first program");
	EXPECT_EQ(progs_count(COUNT_ALT), 100, "second program, detached half way");
	EXPECT_EQ(progs_count(COUNT_RECORD), 200, "third program");
	EXPECT_EQ(progs_record()[REC_COOKIE], 5, "cookie of the third program");
	detach(a);
	detach(c);
}

/* ---- threads ---- */

#define THREADS 8
static volatile int stop_churn;
static pthread_barrier_t barrier;
static long steady_calls = 20000;

static void *churn_worker(void *arg)
{
	long i = (long)arg, n = 0;
	while (!stop_churn) {
		if (t_inline(i, n & 7, 0, 0, 0, 0) != i + 2 * (n & 7))
			fail("thread %ld: t_inline wrong during attach/detach", i);
		if (t_short((int)n) != (int)n + 1)
			fail("thread %ld: t_short wrong during attach/detach", i);
		if (t_fact(4) != 24)
			fail("thread %ld: t_fact wrong during attach/detach", i);
		if (t_riprel(0) != t_counter)
			fail("thread %ld: t_riprel wrong during attach/detach", i);
		n++;
	}
	pthread_barrier_wait(&barrier); /* out of the churn */
	pthread_barrier_wait(&barrier); /* the steady probes are attached */
	for (long k = 0; k < steady_calls; k++) {
		if (t_inline(k, 1, 0, 0, 0, 0) != k + 2 || t_fact(3) != 6 || t_short(3) != 4 ||
		    t_riprel(0) != t_counter)
			fail("thread %ld: wrong result in the steady phase", i);
	}
	pthread_barrier_wait(&barrier);
	return NULL;
}

static void scenario_threads(void)
{
	pthread_t th[THREADS];
	pthread_barrier_init(&barrier, NULL, THREADS + 1);
	for (long i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, churn_worker, (void *)i);
	for (int round = 0; round < 100; round++) {
		int a = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_COUNT, 0, 0);
		int b = attach_at(BPFTIME_PROBE_RETURN, t_fact, PROG_RECORD, 0, 0);
		int c = attach_at(BPFTIME_PROBE_ENTRY, t_short, PROG_COUNT_ALT, 0, 0);
		int d = attach_at(BPFTIME_PROBE_ENTRY, t_riprel, PROG_EMPTY, 0, round & 1 ? BPFTIME_PROBE_F_INT3 : 0);
		usleep(200);
		detach(round & 1 ? a : b);
		usleep(200);
		detach(round & 1 ? b : a);
		detach(c);
		detach(d);
	}
	CHECK(progs_count(COUNT_PLAIN) > 0 && progs_count(COUNT_RECORD) > 0 && progs_count(COUNT_ALT) > 0,
	      "no probe fired during attach/detach: %llu %llu %llu", (unsigned long long)progs_count(COUNT_PLAIN),
	      (unsigned long long)progs_count(COUNT_RECORD), (unsigned long long)progs_count(COUNT_ALT));
	stop_churn = 1;
	pthread_barrier_wait(&barrier);
	progs_reset();
	int a = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_COUNT, 0, 0);
	int b = attach_at(BPFTIME_PROBE_RETURN, t_fact, PROG_RECORD, 0, 0);
	int c = attach_at(BPFTIME_PROBE_ENTRY, t_short, PROG_COUNT_ALT, 0, 0);
	int d = attach_at(BPFTIME_PROBE_ENTRY, t_riprel, PROG_COUNT_GPR, 0, 0); /* direct on the JIT */
	EXPECT_EQ(bpftime_probe_poll(10000), 0, "sites still waiting for their jump after 10 s");
	expect_mode(a, BPFTIME_PROBE_MODE_INLINE, NULL);
	expect_mode(b, BPFTIME_PROBE_MODE_INLINE, NULL);
	expect_mode(d, BPFTIME_PROBE_MODE_INLINE, NULL);
	pthread_barrier_wait(&barrier); /* steady phase starts */
	pthread_barrier_wait(&barrier); /* and ends */
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(progs_count(COUNT_PLAIN), THREADS * steady_calls, "t_inline entries from 8 threads");
	EXPECT_EQ(progs_count(COUNT_RECORD), THREADS * steady_calls * 3, "t_fact(3) returns from 8 threads");
	EXPECT_EQ(progs_count(COUNT_ALT), THREADS * steady_calls, "t_short (int3) entries from 8 threads");
	EXPECT_EQ(progs_count(COUNT_GPR), THREADS * steady_calls, "t_riprel entries (direct) from 8 threads");
	detach(a);
	detach(b);
	detach(c);
	detach(d);
}

/* ---- signals, fork, libc, errors ---- */

static volatile int app_traps, app_traps2;

static void app_handler(int sig)
{
	app_traps++;
}

static void app_handler2(int sig, siginfo_t *si, void *uc)
{
	app_traps2++;
}

static void scenario_sigtrap(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = app_handler;
	CHECK(sigaction(SIGTRAP, &sa, NULL) == 0, "sigaction");
	int id = attach_at(BPFTIME_PROBE_ENTRY, t_short, PROG_COUNT, 0, 0);
	EXPECT_EQ(t_short(1), 2, "t_short");
	raise(SIGTRAP);
	EXPECT_EQ(app_traps, 1, "the handler installed before the engine's gets a raised SIGTRAP");

	struct sigaction seen;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = app_handler2;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	CHECK(sigaction(SIGTRAP, &sa, &seen) == 0, "sigaction after the engine");
	CHECK(seen.sa_handler == app_handler, "the application sees its own previous handler");
	raise(SIGTRAP);
	EXPECT_EQ(app_traps2, 1, "the handler installed after the engine's gets a raised SIGTRAP");
	EXPECT_EQ(t_short(2), 3, "t_short after the application replaced the SIGTRAP handler");

	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTRAP);
	sigprocmask(SIG_BLOCK, &block, &old);
	EXPECT_EQ(t_short(3), 4, "t_short with SIGTRAP blocked by the application");
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	EXPECT_EQ(t_short(4), 5, "t_short with SIGTRAP blocked by pthread_sigmask");
	sigprocmask(SIG_SETMASK, &old, NULL);

	signal(SIGTRAP, SIG_IGN);
	raise(SIGTRAP);
	EXPECT_EQ(t_short(5), 6, "t_short with SIGTRAP ignored by the application");
	EXPECT_EQ(progs_count(COUNT_PLAIN), 5, "hits");
	detach(id);
}

static void scenario_fork(void)
{
	int a = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_COUNT, 0, 0);
	int b = attach_at(BPFTIME_PROBE_RETURN, t_fact, PROG_RECORD, 0, 0);
	int c = attach_at(BPFTIME_PROBE_ENTRY, t_short, PROG_COUNT_ALT, 0, 0);
	EXPECT_EQ(t_fact(2), 2, "t_fact before fork");
	pid_t pid = fork();
	if (pid == 0) {
		int ok = 1;
		for (int i = 0; i < 10; i++)
			ok &= t_inline(i, 0, 0, 0, 0, 0) == i && t_fact(3) == 6 && t_short(i) == i + 1;
		_exit(ok ? 0 : 3);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	for (int i = 0; i < 5; i++)
		t_inline(i, 0, 0, 0, 0, 0);
	/* the maps are shared memory: the child's hits count too */
	EXPECT_EQ(progs_count(COUNT_PLAIN), 15, "t_inline hits of parent and child");
	EXPECT_EQ(progs_count(COUNT_RECORD), 2 + 30, "t_fact returns of parent and child");
	EXPECT_EQ(progs_count(COUNT_ALT), 10, "t_short hits in the child");
	detach(a);
	detach(b);
	detach(c);
}

/* The file and file offset of a function, as libbpf computes an uprobe's offset (here from the
 * mapping, independently of the engine). */
static void file_offset_of(const void *fn, char *path, size_t len, uint64_t *offset)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	uintptr_t a = (uintptr_t)fn;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, off;
		char perms[8], file[4096] = "";
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &start, &end, perms, &off, file) >= 4 && a >= start &&
		    a < end) {
			snprintf(path, len, "%s", file);
			*offset = a - start + off;
			fclose(f);
			return;
		}
	}
	fail("no mapping holds %p", fn);
}

static void scenario_libc(void)
{
	void *fn = dlsym(RTLD_DEFAULT, "getpid");
	CHECK(fn, "dlsym getpid");
	char path[4096];
	uint64_t off;
	file_offset_of(fn, path, sizeof(path), &off);
	CHECK(strstr(path, "libc"), "getpid in %s, not in libc", path);
	/* through a symbolic link: the file is matched by device and inode, not by name */
	char link[64];
	snprintf(link, sizeof(link), "/tmp/probe_test_libc_%d.so", (int)getpid());
	unlink(link);
	CHECK(symlink(path, link) == 0, "symlink %s: %s", link, strerror(errno));
	struct bpftime_probe_spec entry = { BPFTIME_PROBE_ENTRY, 0, link, off };
	struct bpftime_probe_spec ret = { BPFTIME_PROBE_RETURN, 0, path, off };
	int a = bpftime_probe_attach(&entry, progs_get(PROG_COUNT), 0);
	int b = bpftime_probe_attach(&ret, progs_get(PROG_RECORD), 0);
	unlink(link);
	CHECK(a > 0 && b > 0, "attach to %s+%#llx: %d %d", path, (unsigned long long)off, a, b);
	struct bpftime_probe_info info;
	bpftime_probe_info(a, &info);
	EXPECT_EQ(info.address, (uintptr_t)fn, "address resolved from libc's path and file offset");
	pid_t (*getpid_fn)(void) = (pid_t (*)(void))fn;
	for (int i = 0; i < 100; i++)
		EXPECT_EQ(getpid_fn(), getpid(), "getpid under probes");
	EXPECT_EQ(progs_count(COUNT_PLAIN), 200, "getpid entries (100 + 100 from the comparison)");
	EXPECT_EQ(progs_count(COUNT_RECORD), 200, "getpid returns");
	EXPECT_EQ(progs_record()[REC_AX], (uint64_t)getpid(), "getpid's return value at its uretprobe");
	detach(a);
	detach(b);
}

/* A probed library unloaded and loaded again: detach after the unload touches nothing; a probe
 * still attached when the library comes back at the same place fires again once the site is armed
 * again (as the kernel reinserts uprobes into a file mapped again). */
static long (*load_lib(const char *lib, void **h))(long)
{
	*h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	CHECK(*h, "dlopen %s: %s", lib, dlerror());
	return (long (*)(long))dlsym(*h, "lib_twice");
}

static void scenario_dlopen(void)
{
	char exe[4096], lib[4200], path[4096];
	uint64_t off;
	void *h;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	snprintf(lib, sizeof(lib), "%s/libprobe_target_lib.so", exe);

	long (*twice)(long) = load_lib(lib, &h);
	file_offset_of((void *)twice, path, sizeof(path), &off);
	struct bpftime_probe_spec spec = { BPFTIME_PROBE_ENTRY, 0, lib, off };
	int a = bpftime_probe_attach(&spec, progs_get(PROG_COUNT), 0);
	CHECK(a > 0, "attach to %s+%#llx: %d", lib, (unsigned long long)off, a);
	EXPECT_EQ(twice(20), 41, "lib_twice");
	EXPECT_EQ(progs_count(COUNT_PLAIN), 1, "hit");
	dlclose(h);
	EXPECT_EQ(bpftime_probe_detach(a), 0, "detach after the library was unloaded");

	long (*again)(long) = load_lib(lib, &h);
	a = bpftime_probe_attach(&spec, progs_get(PROG_COUNT), 0);
	CHECK(a > 0, "attach to the library loaded again: %d", a);
	EXPECT_EQ(again(1), 3, "lib_twice loaded again");
	EXPECT_EQ(progs_count(COUNT_PLAIN), 2, "hit in the library loaded again");
	dlclose(h); /* a stays attached */

	long (*third)(long) = load_lib(lib, &h);
	int b = bpftime_probe_attach(&spec, progs_get(PROG_COUNT_ALT), 0);
	CHECK(b > 0, "attach to the library loaded a third time: %d", b);
	EXPECT_EQ(third(2), 5, "lib_twice loaded a third time");
	EXPECT_EQ(progs_count(COUNT_ALT), 1, "hit of the new probe");
	EXPECT_EQ(progs_count(COUNT_PLAIN), third == again ? 3 : 2, "hit of the probe attached before the unload");
	detach(a);
	detach(b);
	EXPECT_EQ(third(3), 7, "lib_twice after detach");
	EXPECT_EQ(progs_count(COUNT_ALT), 1, "hits after detach");
	dlclose(h);
}

static void scenario_errors(void)
{
	struct bpftime_probe_spec spec = { 7, 0, NULL, (uintptr_t)t_inline };
	EXPECT_EQ(bpftime_probe_attach(&spec, progs_get(PROG_COUNT), 0), -EINVAL, "unknown kind");
	spec.kind = BPFTIME_PROBE_ENTRY;
	struct bpftime_probe_prog none = { 0 };
	EXPECT_EQ(bpftime_probe_attach(&spec, none, 0), -EINVAL, "no program");
	spec.offset = (uintptr_t)t_inline + 2; /* inside mov %rsp, %rbp */
	EXPECT_EQ(bpftime_probe_attach(&spec, progs_get(PROG_COUNT), 0), -EINVAL, "not an instruction boundary");
	spec.offset = (uintptr_t)&t_counter;
	EXPECT_EQ(bpftime_probe_attach(&spec, progs_get(PROG_COUNT), 0), -EINVAL, "data address");
	spec.offset = (uintptr_t)bpftime_probe_attach;
	EXPECT_EQ(bpftime_probe_attach(&spec, progs_get(PROG_COUNT), 0), -EPERM, "the engine's own code");
	struct bpftime_probe_spec missing = { BPFTIME_PROBE_ENTRY, 0, "/nonexistent/lib.so", 0x1000 };
	EXPECT_EQ(bpftime_probe_attach(&missing, progs_get(PROG_COUNT), 0), -ENOENT, "unmapped path");
	EXPECT_EQ(bpftime_probe_detach(12345), -ENOENT, "detach of an unknown id");
	/* code in a shared mapping: a patch would change the memfd for every process mapping it */
	int fd = memfd_create("probe_test_shared_code", MFD_CLOEXEC);
	static const uint8_t ret_insn[4096] = { 0xc3 };
	CHECK(fd >= 0 && write(fd, ret_insn, sizeof(ret_insn)) == sizeof(ret_insn), "memfd");
	void *shared = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	CHECK(shared != MAP_FAILED, "mmap shared code");
	spec.offset = (uintptr_t)shared;
	EXPECT_EQ(bpftime_probe_attach(&spec, progs_get(PROG_COUNT), 0), -EACCES, "code in a shared mapping");
	munmap(shared, 4096);
	close(fd);
	/* errno is the application's: a probe never changes it */
	int id = attach_at(BPFTIME_PROBE_ENTRY, t_inline, PROG_RECORD, 0, 0);
	int id2 = attach_at(BPFTIME_PROBE_ENTRY, t_short, PROG_RECORD, 0, 0);
	errno = 1234;
	t_inline(1, 2, 3, 4, 5, 6);
	t_short(1);
	EXPECT_EQ(errno, 1234, "errno across probes");
	detach(id);
	detach(id2);
}

static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{ "entry-inline", scenario_entry_inline }, { "entry-int3", scenario_entry_int3 },
	{ "relocation", scenario_relocation },     { "vectors", scenario_vectors },
	{ "gpr-only", scenario_gpr_only },        { "direct", scenario_direct },
	{ "return-signals", scenario_return_signals },
	{ "uretprobe", scenario_uretprobe },       { "recursion", scenario_recursion },
	{ "longjmp", scenario_longjmp },           { "coroutine", scenario_coroutine },
	{ "override", scenario_override },
	{ "multi", scenario_multi },               { "threads", scenario_threads },
	{ "sigtrap", scenario_sigtrap },           { "fork", scenario_fork },
	{ "libc", scenario_libc },                 { "dlopen", scenario_dlopen },
	{ "errors", scenario_errors },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && strcmp(argv[1], "dump") == 0)
		return progs_dump(argv[2]) ? 1 : 0;
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
			printf("%s\n", scenarios[i].name);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: probe_test interp|jit SCENARIO [IMAGES] | dump DIR | list\n");
		return 2;
	}
	scenario = argv[2];
	if (progs_init(argv[1], argc > 3 ? argv[3] : "."))
		return 1;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(scenarios[i].name, scenario) == 0) {
			scenarios[i].run();
			printf("ok %s %s\n", argv[1], scenario);
			return 0;
		}
	}
	fprintf(stderr, "unknown scenario %s\n", scenario);
	return 2;
}
