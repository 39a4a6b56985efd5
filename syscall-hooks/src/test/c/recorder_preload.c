/*
 * Test preload: installs the hooks with callbacks that append every syscall event to the log
 * named by BPFTIME_SH_TEST_LOG (recorder_log.h). The callbacks' only syscall of their own is a
 * gettid per event, and they write nothing on the application's stdout/stderr.
 *
 *   BPFTIME_SH_TEST_LOG=path          the log (created by the test)
 *   BPFTIME_SH_TEST_MODE=fallback     rewrite no site: Syscall User Dispatch catches everything
 *   BPFTIME_SH_TEST_MODE=pure         callbacks flagged BPFTIME_SH_CALLBACKS_PURE: they keep the
 *                                     promise (GPR-only code, raw syscalls only, no register
 *                                     check; they clobber only through
 *                                     bpftime_syscall_hooks_call_saving_vectors), and the hooks
 *                                     call them directly
 *   BPFTIME_SH_TEST_MODE=pure_enter   the same with no on_exit (enter events only): the callbacks
 *                                     then run on the entry's fast path when it is open
 *   BPFTIME_SH_TEST_MODE=direct       every number given a direct program recording enter events
 *                                     (no exit events), except getpid, routed to nobody; a thread's
 *                                     first syscalls go to on_enter (which records them too) until
 *                                     it gave the thread its section word
 *   BPFTIME_SH_TEST_DENY_OPENAT=path  openat of exactly this path returns -EPERM without running
 *   BPFTIME_SH_TEST_RESERVE_SIGTRAP=1 reserve SIGTRAP as the agent's probe engine does
 *                                     (native-support's reserved_signals.h)
 *   BPFTIME_SH_TEST_CLOBBER=1         callbacks clobber errno and every vector register, to show
 *                                     the hooks restore them, and call getpriority through libc,
 *                                     to show a callback's own syscalls are not traced
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "bpftime_syscall_ctx.h"
#include "bpftime_syscall_hooks.h"
#include "recorder_log.h"
#include "reserved_signals.h"

#define SH_FLAG_NO_REWRITE 0x10000u /* internal.h */

static struct recorder_header *log_hdr;
static struct recorder_record *log_rec;
static const char *deny_path;
static int clobber, pure;
/* BPFTIME_SH_TEST_MODE=direct: a thread's section word, given by on_enter at its first syscall */
static int direct_mode;
static __thread uint64_t section_word __attribute__((tls_model("initial-exec")));
static __thread uint64_t *section_ptr __attribute__((tls_model("initial-exec")));

/* What runs in pure mode touches no vector register (BPFTIME_SH_CALLBACKS_PURE). */
#define GPR_ONLY __attribute__((target("general-regs-only")))

GPR_ONLY static long raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	return bpftime_syscall_hooks_raw(nr, a0, a1, a2, a3, a4, a5);
}

/* Not cached in TLS: a CLONE_VM child without its own TLS would share the cache. */
GPR_ONLY static int tid(void)
{
	return (int)raw(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

GPR_ONLY static void append(uint32_t kind, long nr, const int64_t values[6])
{
	uint64_t i = __atomic_fetch_add(&log_hdr->next, 1, __ATOMIC_RELAXED);
	struct recorder_record *r;

	if (i >= log_hdr->capacity)
		return;
	r = &log_rec[i];
	r->tid = tid();
	r->nr = nr;
	for (int k = 0; k < 6; k++)
		r->values[k] = values[k];
	__atomic_store_n(&r->kind, kind, __ATOMIC_RELEASE);
}

static void clobber_state(void)
{
	/* a syscall of the callback's own through a libc wrapper: the hooks must pass it untraced */
	getpriority(PRIO_PROCESS, 0);
	errno = EXDEV;
	__asm__ volatile("vpcmpeqb %%ymm0, %%ymm0, %%ymm0\n\t"
			 "vmovdqa %%ymm0, %%ymm1\n\tvmovdqa %%ymm0, %%ymm2\n\t"
			 "vmovdqa %%ymm0, %%ymm3\n\tvmovdqa %%ymm0, %%ymm4\n\t"
			 "vmovdqa %%ymm0, %%ymm5\n\tvmovdqa %%ymm0, %%ymm6\n\t"
			 "vmovdqa %%ymm0, %%ymm7\n\tvmovdqa %%ymm0, %%ymm8\n\t"
			 "vmovdqa %%ymm0, %%ymm9\n\tvmovdqa %%ymm0, %%ymm10\n\t"
			 "vmovdqa %%ymm0, %%ymm11\n\tvmovdqa %%ymm0, %%ymm12\n\t"
			 "vmovdqa %%ymm0, %%ymm13\n\tvmovdqa %%ymm0, %%ymm14\n\t"
			 "vmovdqa %%ymm0, %%ymm15\n\t"
			 "std\n\tcld" ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
			 "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			 "xmm15");
}

/* What a pure callback may do to vector registers and errno: only through the saving call. */
static void clobber_vectors_and_errno(void *arg)
{
	(void)arg;
	errno = EXDEV;
	__asm__ volatile("vpcmpeqb %%ymm0, %%ymm0, %%ymm0\n\t"
			 "vmovdqa %%ymm0, %%ymm1\n\tvmovdqa %%ymm0, %%ymm7\n\tvmovdqa %%ymm0, %%ymm15\n\t"
			 "std\n\tcld" ::: "xmm0", "xmm1", "xmm7", "xmm15");
}

/* workload_asm.S's asm_syscall_keeps_state: the values it puts in every preserved register */
#define MARK_RDI 0x3333333333333303ull

/* The registers bpftime_syscall_hooks_regs gives must be the syscall's: a RECORD_BAD_REGS names
 * the first check that failed. */
static void check_regs(long nr, const uint64_t args[6], int is_exit, int64_t ret)
{
	struct bpftime_pt_regs r;
	int64_t v[6] = { 0 };

	if (bpftime_syscall_hooks_regs(&r) != 0)
		v[0] = 1;
	else if (r.orig_rax != (uint64_t)nr)
		v[0] = 2;
	else if (r.rdi != args[0] || r.rsi != args[1] || r.rdx != args[2] || r.r10 != args[3] ||
		 r.r8 != args[4] || r.r9 != args[5])
		v[0] = 3;
	else if (r.rax != (is_exit ? (uint64_t)ret : (uint64_t)-ENOSYS))
		v[0] = 4;
	else if (r.rcx != r.rip || r.r11 != r.eflags || r.cs != 0x33 || r.ss != 0x2b)
		v[0] = 5;
	else if (args[0] == MARK_RDI &&
		 (r.rbx != 0x1111111111111101ull || r.rbp != 0x2222222222222202ull ||
		  r.r12 != 0x9999999999999909ull || r.r13 != 0xaaaaaaaaaaaaaa0aull ||
		  r.r14 != 0xbbbbbbbbbbbbbb0bull || r.r15 != 0xcccccccccccccc0cull))
		v[0] = 6;
	if (v[0])
		append(RECORD_BAD_REGS, nr, v);
}

GPR_ONLY static int same_string(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

GPR_ONLY static int on_enter(void *user, long nr, const uint64_t args[6], int64_t *ret)
{
	int64_t v[6];

	for (int k = 0; k < 6; k++)
		v[k] = (int64_t)args[k];
	append(RECORD_ENTER, nr, v);
	if (direct_mode)
		section_ptr = &section_word;
	if (!pure)
		check_regs(nr, args, 0, 0);
	if (clobber && !pure)
		clobber_state();
	if (clobber && pure)
		bpftime_syscall_hooks_call_saving_vectors(clobber_vectors_and_errno, NULL);
	if (deny_path && nr == SYS_openat && args[1] && same_string((const char *)(uintptr_t)args[1], deny_path)) {
		*ret = -EPERM;
		return BPFTIME_SYSCALL_SKIP;
	}
	return BPFTIME_SYSCALL_RUN;
}

GPR_ONLY static void on_exit_cb(void *user, long nr, const uint64_t args[6], int64_t ret)
{
	int64_t v[6] = { ret };

	append(RECORD_EXIT, nr, v);
	if (!pure)
		check_regs(nr, args, 1, ret);
	if (clobber && !pure)
		clobber_state();
	if (clobber && pure)
		bpftime_syscall_hooks_call_saving_vectors(clobber_vectors_and_errno, NULL);
}

/* BPFTIME_SH_TEST_MODE=direct: what an agent's sys_enter programs calling no helper do. */

GPR_ONLY static uint64_t direct_prog(void *ctx, uint64_t zero)
{
	const struct bpftime_sys_enter_ctx *c = ctx;
	int64_t v[6];

	for (int k = 0; k < 6; k++)
		v[k] = (int64_t)c->args[k];
	/* the record must be the kernel's: __syscall_nr's padding zero, r2 zero, inside the section */
	if (c->pad != 0 || zero != 0 || !(section_word & 1))
		v[0] = 0x5ec710b;
	append(RECORD_ENTER, c->syscall_nr, v);
	if (clobber)
		bpftime_syscall_hooks_call_saving_vectors(clobber_vectors_and_errno, NULL);
	return 0;
}

static struct bpftime_syscall_hooks_callbacks callbacks = {
	.on_enter = on_enter,
	.on_exit = on_exit_cb,
	.flags = BPFTIME_SH_CALLBACKS_USE_VECTOR,
};

static int map_log(const char *path)
{
	long fd = raw(SYS_openat, AT_FDCWD, (long)path, O_RDWR | O_CLOEXEC, 0, 0, 0);
	struct recorder_header h;
	long p;

	if (fd < 0)
		return -1;
	if (raw(SYS_pread64, fd, (long)&h, sizeof(h), 0, 0, 0) != sizeof(h) ||
	    h.magic != RECORDER_MAGIC) {
		raw(SYS_close, fd, 0, 0, 0, 0, 0);
		return -1;
	}
	p = raw(SYS_mmap, 0, (long)(sizeof(h) + h.capacity * sizeof(struct recorder_record)),
		PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	raw(SYS_close, fd, 0, 0, 0, 0, 0);
	if (p < 0 && p > -4096)
		return -1;
	log_hdr = (struct recorder_header *)p;
	log_rec = (struct recorder_record *)(log_hdr + 1);
	return 0;
}

static void append_stats(uint32_t kind, long nr)
{
	struct bpftime_syscall_hooks_stats st;

	bpftime_syscall_hooks_get_stats(&st);
	int64_t v[6] = { (int64_t)st.objects_scanned, (int64_t)st.sites_found,
			 (int64_t)st.sites_patched_jmp8, (int64_t)st.sites_patched_displaced,
			 (int64_t)st.sites_left_to_fallback, (int64_t)st.fallback_traps };
	int64_t c[6] = { (int64_t)st.sites_trapping, (int64_t)st.dispatch_on };
	append(kind, nr, v);
	append(RECORD_COVERAGE, 0, c);
}

__attribute__((destructor)) static void recorder_stop(void)
{
	if (log_hdr)
		append_stats(RECORD_STATS, 0);
}

__attribute__((constructor)) static void recorder_start(void)
{
	const char *path = getenv("BPFTIME_SH_TEST_LOG");
	const char *mode = getenv("BPFTIME_SH_TEST_MODE");
	int r;

	if (!path || map_log(path) < 0)
		return;
	deny_path = getenv("BPFTIME_SH_TEST_DENY_OPENAT");
	clobber = getenv("BPFTIME_SH_TEST_CLOBBER") != NULL;
	if (mode && strcmp(mode, "fallback") == 0)
		callbacks.flags |= SH_FLAG_NO_REWRITE;
	pure = mode && (strcmp(mode, "pure") == 0 || strcmp(mode, "pure_enter") == 0);
	if (mode && strcmp(mode, "pure_enter") == 0)
		callbacks.on_exit = NULL;
	if (getenv("BPFTIME_SH_TEST_RESERVE_SIGTRAP"))
		reserved_signals_add(SIGTRAP);
	if (pure)
		callbacks.flags = BPFTIME_SH_CALLBACKS_PURE;
	if (mode && strcmp(mode, "direct") == 0) {
		uintptr_t tp;
		__asm__("mov %%fs:0, %0" : "=r"(tp));
		direct_mode = 1;
		if (bpftime_syscall_hooks_route_direct(SYS_getppid, direct_prog) != -EINVAL)
			return; /* refused before the section is known */
		bpftime_syscall_hooks_set_direct_section((intptr_t)((uintptr_t)&section_ptr - tp));
		for (long nr = 0; nr < BPFTIME_SH_ROUTES; nr++)
			if (bpftime_syscall_hooks_route_direct(nr, direct_prog) != 0)
				return;
		if (bpftime_syscall_hooks_route(SYS_getpid, BPFTIME_SH_ROUTE_NONE) != 0 ||
		    bpftime_syscall_hooks_route(BPFTIME_SH_ROUTES, BPFTIME_SH_ROUTE_NONE) != -EINVAL ||
		    bpftime_syscall_hooks_route(SYS_getuid, BPFTIME_SH_ROUTE_DIRECT) != -EINVAL)
			return;
	}
	r = bpftime_syscall_hooks_install(&callbacks);
	append_stats(RECORD_INSTALL, r);
}
