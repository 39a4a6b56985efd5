#include "figures.h"
#include "kernel_probe.h"
#include "probe_programs.h"

#include "bpftime_probe.h"
#include "bpftime_syscall_hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * A syscall tracepoint with a program: syscalls:sys_enter_getppid on getppid(), and
 * syscalls:sys_enter_write on a 5-byte write to /dev/null (the case bpftime's paper measured), by
 * the kernel (a tracepoint perf event with the program, root) and by the agent's syscall hooks
 * (libbpftime-syscall-hooks: the libc wrapper's syscall site rewritten, those that cannot be rewritten
 * turned into trapping ud2s, so that Syscall User Dispatch stays off while no other code needs it,
 * as the agent runs them; setup checks it is off). Net of baseline.syscall.<call> (nothing
 * attached, no hooks), each is what tracing adds to a syscall.
 *
 * Ours runs the agent's own tracepoint engine (the probe engine's bpftime_tracepoint_*, syscall_tp.c):
 * the syscall's number routed by the hooks to the program, the record as the kernel's (its head the
 * syscall's pt_regs address for programs calling helpers), the JIT image. Installing the hooks
 * changes the whole process, so these figures run in a child of their own (.own_process). .count
 * figures run a program that counts this process's hits in an array map (the kernel runs a
 * tracepoint's program for every task) and check the count against the calls made.
 */

enum tp_engine { TP_NONE, TP_KERNEL, TP_OURS, TP_SUD_ONLY };

struct tp_config {
	long nr; /* SYS_getppid or SYS_write */
	const char *event;
	enum tp_engine engine;
	enum probe_prog prog;
	int counting;
	int no_program; /* ours: hooks installed, nothing attached (what the hooks alone cost) */
	int fallback;	/* getppid from code the hooks cannot cover (an mmap-ed page): the SIGSYS path */
	int vectors;	/* ours: a program not flagged GPR_ONLY: the engine saves the vector state and errno */
	int sud_on;	/* ours: such a page mapped, so Syscall User Dispatch on, the site still rewritten */
};

struct tp_state {
	const struct tp_config *cfg;
	int null_fd;
	struct probe_figure_state p;
	probe_jit_fn jit;
	int attach_id;
	long (*page_getppid)(void); /* .fallback, .sud_on: getppid from new code the hooks cannot cover */
	void *page;
};

/*
 * `mov $SYS_getppid, %eax; syscall; ret` on a page mapped after the installation: code of no ELF
 * object, so the hooks cannot rewrite it and turn Syscall User Dispatch on for the process.
 */
static int map_getppid_page(struct tp_state *s, char *why, size_t why_len)
{
	static const unsigned char code[] = { 0xb8, SYS_getppid, 0, 0, 0, 0x0f, 0x05, 0xc3 };

	s->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->page == MAP_FAILED) {
		s->page = NULL;
		snprintf(why, why_len, "mmap: %s", strerror(errno));
		return -errno;
	}
	memcpy(s->page, code, sizeof(code));
	if (mprotect(s->page, 4096, PROT_READ | PROT_EXEC) != 0) {
		snprintf(why, why_len, "mprotect: %s", strerror(errno));
		return -errno;
	}
	s->page_getppid = (long (*)(void))s->page;
	return 0;
}

/* Whether Syscall User Dispatch is on as the figure needs: off unless code is left uncovered. */
static int check_dispatch(const struct tp_config *c, char *why, size_t why_len)
{
	struct bpftime_syscall_hooks_stats st;
	uint64_t want = c->fallback || c->sud_on;

	bpftime_syscall_hooks_get_stats(&st);
	if (st.dispatch_on == want)
		return 0;
	snprintf(why, why_len, "Syscall User Dispatch: actual %s vs expected %s (%llu sites found, %llu rewritten)",
		 st.dispatch_on ? "on" : "off", want ? "on" : "off", (unsigned long long)st.sites_found,
		 (unsigned long long)(st.sites_patched_jmp8 + st.sites_patched_displaced));
	return -EINVAL;
}

/*
 * TP_SUD_ONLY: Syscall User Dispatch on with every address in the allowed range, nothing else: the
 * price the kernel charges each syscall of a dispatched task when the `syscall` lies in the range,
 * as a rewritten site's syscall (made from the hooks' gate) does. Only a syscall outside the range
 * makes the kernel read the selector byte from user memory (kernel/entry/syscall_user_dispatch.c).
 */
#define TP_PR_SET_SYSCALL_USER_DISPATCH 59
#define TP_PR_SYS_DISPATCH_OFF 0
#define TP_PR_SYS_DISPATCH_ON 1
static char tp_sud_selector; /* SYSCALL_DISPATCH_FILTER_ALLOW */

static void tp_teardown(void *state)
{
	struct tp_state *s = state;

	if (!s)
		return;
	if (s->cfg->engine == TP_SUD_ONLY)
		prctl(TP_PR_SET_SYSCALL_USER_DISPATCH, TP_PR_SYS_DISPATCH_OFF, 0, 0, 0);
	else if (s->attach_id > 0)
		bpftime_tracepoint_detach(s->attach_id);
	probe_figure_state_close(&s->p);
	if (s->page)
		munmap(s->page, 4096);
	if (s->null_fd >= 0)
		close(s->null_fd);
	free(s);
}

/* As the agent attaches it (control/syscall_tracepoints.c): a JIT image calling no helper is
 * GPR-only and helper-free, so the hooks run it from their fast path; one calling only GPR-safe
 * helpers of the agent is GPR-only (no vector save around it). */
static int tp_attach(struct tp_state *s, const struct tp_config *c, char *why, size_t why_len)
{
	struct bpftime_tracepoint_spec spec = { (int32_t)c->nr, 0 };
	struct bpftime_probe_prog prog = { .jit = (bpftime_jit_fn)s->jit };

	if (!c->vectors && !probe_prog_calls_helper(c->prog))
		prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS;
	else if (!c->vectors && probe_prog_agent_gpr_only(c->prog))
		prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY;
	s->attach_id = bpftime_tracepoint_attach(&spec, prog, 0);
	if (s->attach_id > 0)
		return 0;
	snprintf(why, why_len, "bpftime_tracepoint_attach: %s", strerror(-s->attach_id));
	return s->attach_id;
}

static int tp_setup(const struct tp_config *c, void **state, char *why, size_t why_len)
{
	int err;
	struct tp_state *s = probe_figure_alloc(sizeof(*s), c->engine == TP_KERNEL, "tracepoints", why, why_len, &err);

	if (!s)
		return err;
	s->cfg = c;
	probe_figure_state_init(&s->p);
	if ((s->null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		err = -errno;
		snprintf(why, why_len, "open /dev/null: %s", strerror(-err));
	}
	if (!err && c->engine == TP_KERNEL) {
		struct probe_figure_state *p = &s->p;
		err = kernel_probe_maps_create(&p->kmaps, why, why_len);
		if (!err && (p->prog_fd = kernel_probe_prog_load(c->prog, BPF_PROG_TYPE_TRACEPOINT, &p->kmaps, why,
								  why_len)) < 0)
			err = p->prog_fd;
		if (!err && (p->event_fd = kernel_tracepoint_open(c->event, p->prog_fd, why, why_len)) < 0)
			err = p->event_fd;
	} else if (!err && c->engine == TP_OURS) {
		err = bpftime_probe_maps_create(&s->p.maps, why, why_len);
		/* a program calling helpers calls the agent's own, as in a traced process */
		if (!err && !c->no_program)
			err = probe_prog_calls_helper(c->prog)
				      ? bpftime_probe_jit_load_agent_helpers(c->prog, &s->p.maps, &s->jit, why, why_len)
				      : bpftime_probe_jit_load(c->prog, &s->p.maps, &s->jit, why, why_len);
		/* mapped before the installation from this thread: say it is the runtime's, as the
		 * agent's images are (mapped from its untraced thread) */
		if (!err && !c->no_program && (err = bpftime_syscall_hooks_own_code((const void *)s->jit)))
			snprintf(why, why_len, "bpftime_syscall_hooks_own_code: %s", strerror(-err));
		if (!err) {
			/* Once per process: this figure's child. */
			err = bpftime_tracepoint_install();
			if (err == -ENOSYS) {
				snprintf(why, why_len, "no Syscall User Dispatch in this kernel (Linux 5.11+)");
				tp_teardown(s);
				return BENCH_SKIP;
			}
			if (err)
				snprintf(why, why_len, "bpftime_tracepoint_install: %s", strerror(-err));
			if (!err && !c->no_program)
				err = tp_attach(s, c, why, why_len);
			if (!err && (c->fallback || c->sud_on))
				err = map_getppid_page(s, why, why_len);
			if (!err)
				err = check_dispatch(c, why, why_len);
		}
	} else if (!err && c->engine == TP_SUD_ONLY &&
		   prctl(TP_PR_SET_SYSCALL_USER_DISPATCH, TP_PR_SYS_DISPATCH_ON, 0, 1ul << 47, &tp_sud_selector) != 0) {
		err = errno == EINVAL ? BENCH_SKIP : -errno;
		snprintf(why, why_len, "prctl(PR_SET_SYSCALL_USER_DISPATCH): %s", strerror(errno));
	}
	if (err) {
		tp_teardown(s);
		return err;
	}
	*state = s;
	return 0;
}

static int tp_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct tp_state *s = state;
	int kernel = s->cfg->engine == TP_KERNEL;
	int64_t before = s->cfg->counting ? probe_figure_hits(&s->p, kernel) : 0;

	if (s->cfg->fallback) {
		for (uint64_t i = 0; i < ops; i++)
			s->page_getppid();
	} else if (s->cfg->nr == SYS_getppid) {
		for (uint64_t i = 0; i < ops; i++)
			getppid();
	} else {
		for (uint64_t i = 0; i < ops; i++) {
			if (write(s->null_fd, "hello", 5) != 5) {
				snprintf(why, why_len, "write to /dev/null: %s", strerror(errno));
				return -EIO;
			}
		}
	}
	return s->cfg->counting ? probe_figure_check_hits(before, probe_figure_hits(&s->p, kernel), ops, why, why_len)
				: 0;
}

#define TP_FIGURE(var, fig_name, counterpart, base, own, ...) \
	BENCH_CONFIGURED_FIGURE(var, struct tp_config, tp_setup, tp_run, tp_teardown, \
				fig_name, counterpart, base, own, __VA_ARGS__)

#define GETPPID "baseline.syscall.getppid"
#define WRITE "baseline.syscall.write_5b"

TP_FIGURE(baseline_syscall_write_5b, WRITE, NULL, NULL, 0, .nr = SYS_write);

TP_FIGURE(kernel_tp_getppid, "kernel.tracepoint.sys_enter_getppid", NULL, GETPPID, 0, SYS_getppid,
	  "sys_enter_getppid", TP_KERNEL, PROBE_PROG_EMPTY, 0, 0, 0, 0, 0);
TP_FIGURE(kernel_tp_getppid_count, "kernel.tracepoint.sys_enter_getppid.count", NULL, GETPPID, 0, SYS_getppid,
	  "sys_enter_getppid", TP_KERNEL, PROBE_PROG_COUNT_TGID, 1, 0, 0, 0, 0);
TP_FIGURE(kernel_tp_write, "kernel.tracepoint.sys_enter_write", NULL, WRITE, 0, SYS_write, "sys_enter_write",
	  TP_KERNEL, PROBE_PROG_EMPTY, 0, 0, 0, 0, 0);
TP_FIGURE(kernel_tp_write_count, "kernel.tracepoint.sys_enter_write.count", NULL, WRITE, 0, SYS_write,
	  "sys_enter_write", TP_KERNEL, PROBE_PROG_COUNT_TGID, 1, 0, 0, 0, 0);

TP_FIGURE(bpftime_tp_getppid, "bpftime.tracepoint.sys_enter_getppid.jit", "kernel.tracepoint.sys_enter_getppid",
	  GETPPID, 1, SYS_getppid, NULL, TP_OURS, PROBE_PROG_EMPTY, 0, 0, 0, 0, 0);
/* .count: ours counts without the tgid check, as only this process runs its programs (the agent
 * lives in the traced process): the same no-helper path as the empty program, checked. .count_tgid:
 * the kernel's counting program itself (it calls bpf_get_current_pid_tgid), on the helper path. */
TP_FIGURE(bpftime_tp_getppid_count, "bpftime.tracepoint.sys_enter_getppid.jit.count",
	  "kernel.tracepoint.sys_enter_getppid.count", GETPPID, 1, SYS_getppid, NULL, TP_OURS, PROBE_PROG_COUNT, 1,
	  0, 0, 0, 0);
TP_FIGURE(bpftime_tp_getppid_count_tgid, "bpftime.tracepoint.sys_enter_getppid.jit.count_tgid",
	  "kernel.tracepoint.sys_enter_getppid.count", GETPPID, 1, SYS_getppid, NULL, TP_OURS, PROBE_PROG_COUNT_TGID, 1,
	  0, 0, 0, 0);
TP_FIGURE(bpftime_tp_write, "bpftime.tracepoint.sys_enter_write.jit", "kernel.tracepoint.sys_enter_write", WRITE, 1,
	  SYS_write, NULL, TP_OURS, PROBE_PROG_EMPTY, 0, 0, 0, 0, 0);
TP_FIGURE(bpftime_tp_write_count, "bpftime.tracepoint.sys_enter_write.jit.count",
	  "kernel.tracepoint.sys_enter_write.count", WRITE, 1, SYS_write, NULL, TP_OURS, PROBE_PROG_COUNT, 1, 0, 0, 0, 0);
TP_FIGURE(bpftime_tp_write_count_tgid, "bpftime.tracepoint.sys_enter_write.jit.count_tgid",
	  "kernel.tracepoint.sys_enter_write.count", WRITE, 1, SYS_write, NULL, TP_OURS, PROBE_PROG_COUNT_TGID, 1, 0, 0,
	  0, 0);
/* For reference: the engine installed with no program attached (the site rewritten, the number
 * passed straight); a program the engine must assume touches vector registers (an interpreter
 * program, or one calling a helper that is not GPR-safe: the vector state and errno saved around
 * it); a site the hooks cannot rewrite (the SIGSYS fallback). */
TP_FIGURE(bpftime_hooks_getppid, "bpftime.syscall_hooks.getppid.no_program", NULL, GETPPID, 1, SYS_getppid, NULL,
	  TP_OURS, PROBE_PROG_EMPTY, 0, 1, 0, 0, 0);
TP_FIGURE(bpftime_tp_getppid_vectors, "bpftime.tracepoint.sys_enter_getppid.jit.xsave", NULL, GETPPID, 1,
	  SYS_getppid, NULL, TP_OURS, PROBE_PROG_EMPTY, 0, 0, 0, 1, 0);
TP_FIGURE(bpftime_tp_getppid_fallback, "bpftime.tracepoint.sys_enter_getppid.jit.fallback", NULL, GETPPID, 1,
	  SYS_getppid, NULL, TP_OURS, PROBE_PROG_EMPTY, 0, 0, 1, 0, 0);
/* For reference: libc's site still rewritten, but Syscall User Dispatch on because other code (a
 * page mapped after the installation) is uncovered: what SUD being on costs every syscall. */
TP_FIGURE(bpftime_tp_getppid_sud_on, "bpftime.tracepoint.sys_enter_getppid.jit.sud_on", NULL, GETPPID, 1,
	  SYS_getppid, NULL, TP_OURS, PROBE_PROG_EMPTY, 0, 0, 0, 0, 1);
/* For reference: what Syscall User Dispatch alone adds to a syscall made inside its allowed range. */
TP_FIGURE(baseline_syscall_getppid_sud, "baseline.syscall.getppid.sud_in_range", NULL, GETPPID, 1, SYS_getppid,
	  NULL, TP_SUD_ONLY, PROBE_PROG_EMPTY, 0, 0, 0, 0, 0);
