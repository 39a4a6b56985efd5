/*
 * What a hooked syscall costs, against what the kernel's own syscall tracepoint costs, in the
 * same run (README.md, "Measured"):
 *   - baseline: getppid() and a 5-byte write() to /dev/null, nothing attached;
 *   - kernel: the same with an empty BPF program (r0 = 0; exit) on syscalls:sys_enter_getppid /
 *     sys_enter_write (perf_event_open on the tracefs id, PERF_EVENT_IOC_SET_BPF), as root;
 *   - ours: the same with the hooks installed and an empty on_enter callback, the site rewritten;
 *     and, for reference, the fallback path (Syscall User Dispatch, a site with no unwind table)
 *     and callbacks that ask for the vector state to be saved.
 * Each probe also runs a counting variant (a BPF program adding 1 to an array map; a callback
 * adding 1) whose count must equal the calls made: no figure comes from a probe that did not
 * fire. Each figure is the median of RUNS timed runs (ns per call) on CLOCK_MONOTONIC; the
 * thread's CPU time is shown too, as other load on the machine inflates wall time only.
 * Usage: syscall_hooks_bench [--quick]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpftime_syscall_hooks.h"

static int RUNS = 21;
static double RUN_NS = 20e6;

/* A getppid site without an unwind table: never rewritten, so always the fallback's. */
__asm__(".text\n.globl bench_fallback_getppid\nbench_fallback_getppid:\n"
	"mov $110, %eax\nsyscall\nret\n");
long bench_fallback_getppid(void);

static int null_fd;

static void op_getppid(void) { getppid(); }
static void op_write(void) { write(null_fd, "hello", 5); }
static void op_fallback(void) { bench_fallback_getppid(); }

struct figure {
	double wall, cpu; /* ns per call: medians */
	double best;	  /* the fastest run: the least disturbed by other load */
	long calls;
};

static double now(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static struct figure measure(void (*op)(void))
{
	long n = 1000;
	double wall[64], cpu[64];
	struct figure f = { 0 };

	for (;;) { /* calibrate: a run of about RUN_NS */
		double t0 = now(CLOCK_MONOTONIC);
		for (long i = 0; i < n; i++)
			op();
		double t = now(CLOCK_MONOTONIC) - t0;
		f.calls += n;
		if (t > RUN_NS / 4)
			break;
		n *= 4;
	}
	for (int r = 0; r < RUNS; r++) {
		double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
		for (long i = 0; i < n; i++)
			op();
		cpu[r] = (now(CLOCK_THREAD_CPUTIME_ID) - c0) / n;
		wall[r] = (now(CLOCK_MONOTONIC) - w0) / n;
		f.calls += n;
	}
	qsort(wall, RUNS, sizeof(double), cmp);
	qsort(cpu, RUNS, sizeof(double), cmp);
	f.wall = wall[RUNS / 2];
	f.cpu = cpu[RUNS / 2];
	f.best = wall[0];
	return f;
}

static void show(const char *name, struct figure f, const struct figure *base)
{
	printf("%-44s %8.1f ns/call (cpu %6.1f, best %6.1f)", name, f.wall, f.cpu, f.best);
	if (base)
		printf("   added %6.1f (best %6.1f)", f.wall - base->wall, f.best - base->best);
	printf("\n");
}

/* ---- the kernel's tracepoint, as root ---- */

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static long tracepoint_id(const char *event)
{
	char path[256], buf[32] = { 0 };
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/id", event);
	if ((fd = open(path, O_RDONLY)) < 0) {
		mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
		fd = open(path, O_RDONLY);
	}
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = 0;
	close(fd);
	return strtol(buf, NULL, 10);
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* map_fd < 0: the empty program; else one counting this process's hits in map[0]. */
static int load_prog(int map_fd)
{
	struct bpf_insn p[32];
	int n = 0;

	if (map_fd >= 0) {
		p[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid);
		p[n++] = INSN(BPF_ALU64 | BPF_RSH | BPF_K, 0, 0, 0, 32);
		p[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 10, getpid());
		p[n++] = INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0);
		p[n++] = INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map_fd);
		p[n++] = INSN(0, 0, 0, 0, 0);
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
		p[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4);
		p[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
		p[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3, 0);
		p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1);
		p[n++] = INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, BPF_ADD);
		p[n++] = INSN(BPF_JMP | BPF_JA, 0, 0, 0, 0);
	}
	p[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_TRACEPOINT;
	a.insn_cnt = (unsigned)n;
	a.insns = (uint64_t)(uintptr_t)p;
	a.license = (uint64_t)(uintptr_t)"GPL";
	return (int)sys_bpf(BPF_PROG_LOAD, &a);
}

static int attach(const char *event, int prog)
{
	struct perf_event_attr pa;
	long id = tracepoint_id(event);
	int fd;

	if (id < 0)
		return -1;
	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.size = sizeof(pa);
	pa.config = (uint64_t)id;
	pa.sample_period = 1;
	fd = (int)syscall(SYS_perf_event_open, &pa, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 || ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog) < 0 || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -1;
	return fd;
}

static long map_count(int map)
{
	union bpf_attr a;
	uint32_t key = 0;
	long v = 0;

	memset(&a, 0, sizeof(a));
	a.map_fd = (unsigned)map;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)&v;
	sys_bpf(BPF_MAP_LOOKUP_ELEM, &a);
	return v;
}

static int kernel_figures(struct figure *getppid_k, struct figure *write_k)
{
	union bpf_attr a;
	int empty, counting, map, fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	map = (int)sys_bpf(BPF_MAP_CREATE, &a);
	empty = load_prog(-1);
	counting = map >= 0 ? load_prog(map) : -1;
	if (map < 0 || empty < 0 || counting < 0) {
		printf("kernel figures skipped: bpf(): %s (needs root and kernel BPF)\n", strerror(errno));
		return -1;
	}
	const char *events[2] = { "syscalls/sys_enter_getppid", "syscalls/sys_enter_write" };
	void (*ops[2])(void) = { op_getppid, op_write };
	struct figure *out[2] = { getppid_k, write_k };
	for (int e = 0; e < 2; e++) {
		if ((fd = attach(events[e], counting)) < 0) {
			printf("kernel figures skipped: attaching to %s: %s\n", events[e], strerror(errno));
			return -1;
		}
		struct figure c = measure(ops[e]);
		close(fd);
		long hits = map_count(map);
		printf("%-44s %8.1f ns/call   hits %ld of %ld calls%s\n", e ? "kernel write, counting program" :
		       "kernel getppid, counting program", c.wall, hits, c.calls, hits == c.calls ? "" : "  MISMATCH");
		if (hits != c.calls)
			return -1;
		uint32_t key = 0;
		long zero = 0;
		memset(&a, 0, sizeof(a));
		a.map_fd = (unsigned)map;
		a.key = (uint64_t)(uintptr_t)&key;
		a.value = (uint64_t)(uintptr_t)&zero;
		sys_bpf(BPF_MAP_UPDATE_ELEM, &a);

		fd = attach(events[e], empty);
		*out[e] = measure(ops[e]);
		close(fd);
	}
	return 0;
}

/* ---- ours ---- */

static long hook_hits;
static long hook_nr = -1;

static int empty_enter(void *user, long nr, const uint64_t args[6], int64_t *ret)
{
	return BPFTIME_SYSCALL_RUN;
}

static int counting_enter(void *user, long nr, const uint64_t args[6], int64_t *ret)
{
	hook_hits += nr == hook_nr;
	return BPFTIME_SYSCALL_RUN;
}

static struct bpftime_syscall_hooks_callbacks empty_cb = { .on_enter = empty_enter };
static struct bpftime_syscall_hooks_callbacks counting_cb = { .on_enter = counting_enter };
static struct bpftime_syscall_hooks_callbacks vector_cb = {
	.on_enter = empty_enter, .flags = BPFTIME_SH_CALLBACKS_USE_VECTOR };

static struct figure ours_counted(const char *name, void (*op)(void), long nr)
{
	struct bpftime_syscall_hooks_stats before, after;

	bpftime_syscall_hooks_set_callbacks(&counting_cb);
	hook_nr = nr;
	hook_hits = 0;
	bpftime_syscall_hooks_get_stats(&before);
	struct figure c = measure(op);
	bpftime_syscall_hooks_get_stats(&after);
	printf("%-44s %8.1f ns/call   hits %ld of %ld calls, %lu through the fallback%s\n", name, c.wall,
	       hook_hits, c.calls, (unsigned long)(after.fallback_traps - before.fallback_traps),
	       hook_hits == c.calls ? "" : "  MISMATCH");
	bpftime_syscall_hooks_set_callbacks(&empty_cb);
	return c;
}

/* ---- interleaved: one run of each variant per round, so slow spells of a shared machine hit
 * all of them alike; per variant the median and the fastest round are kept ---- */

enum variant { BASE, KERNEL, OURS, NVARIANTS };
static const char *variant_names[NVARIANTS] = { "baseline (nothing attached)",
						"kernel tracepoint, empty program", "ours, empty callback" };

static void raw_getppid(void) { bpftime_syscall_hooks_raw(SYS_getppid, 0, 0, 0, 0, 0, 0); }
static void raw_write(void) { bpftime_syscall_hooks_raw(SYS_write, null_fd, (long)"hello", 5, 0, 0, 0); }

static double run_once(void (*op)(void), long n)
{
	double c0 = now(CLOCK_THREAD_CPUTIME_ID);
	for (long i = 0; i < n; i++)
		op();
	return (now(CLOCK_THREAD_CPUTIME_ID) - c0) / n;
}

/* ops[v]: what variant v runs; event: the tracepoint the kernel variant attaches an empty program
 * to for its run only (NULL: no kernel variant). A perf event only disabled would keep the program
 * attached to the tracepoint, and every task paying for it. */
static void interleaved(const char *what, void (*ops[NVARIANTS])(void), const char *event, int rounds)
{
	int prog = event ? load_prog(-1) : -1, kernel_fd = prog;
	double t[NVARIANTS][256];
	long n = 2000;

	while (run_once(ops[BASE], n) * n < RUN_NS / 8)
		n *= 2;
	for (int r = 0; r < rounds; r++) {
		for (int v = 0; v < NVARIANTS; v++) {
			if (v == KERNEL && kernel_fd < 0) {
				t[v][r] = 0;
				continue;
			}
			bpftime_syscall_hooks_thread_untraced(v != OURS);
			int fd = v == KERNEL ? attach(event, prog) : -1;
			if (v == KERNEL && fd < 0) {
				printf("%s: cannot attach to %s: %s\n", what, event, strerror(errno));
				return;
			}
			t[v][r] = run_once(ops[v], n);
			if (fd >= 0)
				close(fd);
		}
	}
	bpftime_syscall_hooks_thread_untraced(0);
	if (prog >= 0)
		close(prog);
	double med[NVARIANTS], best[NVARIANTS];
	for (int v = 0; v < NVARIANTS; v++) {
		qsort(t[v], rounds, sizeof(double), cmp);
		med[v] = t[v][rounds / 2];
		best[v] = t[v][0];
	}
	printf("\n%s, thread CPU time per call, %d rounds of %ld calls:\n", what, rounds, n);
	for (int v = 0; v < NVARIANTS; v++) {
		if (v == KERNEL && kernel_fd < 0)
			continue;
		printf("  %-36s median %7.1f ns  fastest %7.1f ns", variant_names[v], med[v], best[v]);
		if (v != BASE)
			printf("   added: median %6.1f  fastest %6.1f", med[v] - med[BASE], best[v] - best[BASE]);
		printf("\n");
	}
	if (kernel_fd >= 0)
		printf("  ours / kernel added cost: median %.2f, fastest %.2f (target <= 0.25)\n",
		       (med[OURS] - med[BASE]) / (med[KERNEL] - med[BASE]),
		       (best[OURS] - best[BASE]) / (best[KERNEL] - best[BASE]));
}

int main(int argc, char **argv)
{
	struct figure kg, kw;
	int have_kernel, rounds = 61;

	if (argc > 1 && strcmp(argv[1], "--quick") == 0) {
		RUNS = 5;
		RUN_NS = 2e6;
		rounds = 9;
	}
	null_fd = open("/dev/null", O_WRONLY);

	/* 1. every probe fires: counting variants, each count checked against the calls made */
	struct figure bg = measure(op_getppid), bw = measure(op_write);
	show("baseline getppid", bg, NULL);
	show("baseline write 5 bytes to /dev/null", bw, NULL);
	have_kernel = geteuid() == 0 && kernel_figures(&kg, &kw) == 0;
	if (!have_kernel && geteuid() != 0)
		printf("kernel figures skipped: not root\n");
	int r = bpftime_syscall_hooks_install(&empty_cb);
	if (r < 0) {
		printf("hooks not installed: %s\n", strerror(-r));
		return 1;
	}
	struct bpftime_syscall_hooks_stats st;
	bpftime_syscall_hooks_get_stats(&st);
	printf("hooks: %lu sites found, %lu rewritten, %lu left to the fallback\n",
	       (unsigned long)st.sites_found,
	       (unsigned long)(st.sites_patched_jmp8 + st.sites_patched_displaced),
	       (unsigned long)st.sites_left_to_fallback);
	ours_counted("ours getppid, counting callback", op_getppid, SYS_getppid);
	ours_counted("ours write, counting callback", op_write, SYS_write);

	/* 2. the figures: interleaved */
	void (*g[NVARIANTS])(void) = { raw_getppid, raw_getppid, op_getppid };
	void (*w[NVARIANTS])(void) = { raw_write, raw_write, op_write };
	interleaved("getppid", g, have_kernel ? "syscalls/sys_enter_getppid" : NULL, rounds);
	interleaved("write of 5 bytes to /dev/null", w, have_kernel ? "syscalls/sys_enter_write" : NULL,
		    rounds);

	/* 3. for reference, thread CPU time against a baseline taken just before */
	printf("\nfor reference, thread CPU time per call (not interleaved):\n");
	bpftime_syscall_hooks_thread_untraced(1);
	struct figure base = measure(raw_getppid);
	bpftime_syscall_hooks_thread_untraced(0);
	struct figure sud = measure(raw_getppid), empty = measure(op_getppid);
	bpftime_syscall_hooks_set_callbacks(&vector_cb);
	struct figure vector = measure(op_getppid);
	bpftime_syscall_hooks_set_callbacks(NULL);
	struct figure none = measure(op_getppid);
	bpftime_syscall_hooks_set_callbacks(&empty_cb);
	struct figure fallback = measure(op_fallback);
	const char *names[] = { "getppid, nothing attached", "getppid, Syscall User Dispatch on",
				"ours getppid, empty callback", "ours getppid, callback saving vector state",
				"ours getppid, no callback", "ours getppid through the fallback (SIGSYS)" };
	struct figure *figs[] = { &base, &sud, &empty, &vector, &none, &fallback };
	for (int i = 0; i < 6; i++)
		printf("  %-44s %8.1f ns   added %7.1f ns\n", names[i], figs[i]->cpu, figs[i]->cpu - base.cpu);
	return 0;
}
