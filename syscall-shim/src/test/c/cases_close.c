/*
 * A closed link or perf event detaches before close() returns (kernel/bpf/syscall.c bpf_link_put ->
 * bpf_link_free -> bpf_perf_link_release; kernel/events/core.c perf_event_release_kernel ->
 * perf_event_free_bpf_prog: fput's work runs before the closing task returns to user space). A uprobe
 * on a function of this binary counts its hits into an array map; after the last descriptor goes
 * (close, dup2 over it, close_range) the next calls are not counted; a dup or a forked child's copy
 * keeps it attached. The program traces itself, so under the shim it runs with the agent preloaded
 * too (agent/.../LinkCloseEndToEndTest); against the kernel it runs as root.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

__attribute__((noinline, used)) int close_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

static void call_target(int times)
{
	volatile int sink = 0;

	for (int i = 0; i < times; i++)
		sink += close_target(i);
}

/* The target's offset in its file: its address in the mapping of this binary that holds it. */
static long target_offset(char *exe, size_t len)
{
	unsigned long addr = (unsigned long)close_target, start, end, pgoff;
	char line[PATH_MAX + 128];
	long found = -1;
	FILE *maps;
	ssize_t n = readlink("/proc/self/exe", exe, len - 1);

	if (n <= 0)
		return -1;
	exe[n] = 0;
	maps = fopen("/proc/self/maps", "re");
	if (!maps)
		return -1;
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx %*s %lx", &start, &end, &pgoff) == 3 && addr >= start && addr < end) {
			found = (long)(addr - start + pgoff);
			break;
		}
	}
	fclose(maps);
	return found;
}

static long read_type(void)
{
	long v = -1;
	FILE *f = fopen("/sys/bus/event_source/devices/uprobe/type", "re");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static char exe[PATH_MAX];
static long offset, pmu;

static int uprobe_event(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (uint32_t)pmu;
	a.config1 = (uintptr_t)exe;
	a.config2 = (uint64_t)offset;
	return (int)syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

/* An array of one u64 and a kprobe program adding 1 to it: lock *(u64 *)value += 1. */
static int counter_map(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	return (int)sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
}

static int counting_prog(int map)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10, .off = -4, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -4 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1, .src_reg = BPF_PSEUDO_MAP_FD, .imm = map },
		{ 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_1, .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_KPROBE;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (uintptr_t)"GPL";
	strncpy(attr.prog_name, "close_counter", sizeof(attr.prog_name) - 1);
	return (int)sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int map_fd;

static long count(void)
{
	union bpf_attr attr;
	uint32_t key = 0;
	uint64_t value = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (unsigned)map_fd;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&value;
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)) != 0)
		return -1;
	return (long)value;
}

/* A uprobe event on close_target linked to prog; the event's own fd is closed (the link holds it). */
static int attached_link(int prog)
{
	union bpf_attr attr;
	int ev = uprobe_event(), link;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (unsigned)prog;
	attr.link_create.target_fd = (unsigned)ev;
	attr.link_create.attach_type = BPF_PERF_EVENT;
	link = (int)sys_bpf(BPF_LINK_CREATE, &attr, sizeof(attr));
	close(ev);
	return link;
}

/* The count before the close under test: read before it, because any bpf() call after a close
 * would let a service that notices closes late catch up before the target is called. */
static long mark;

/* Calls the target n times; prints how much the count moved since the mark, and marks anew. */
static void expect_hits(const char *name, long expected, int n)
{
	call_target(n);
	long now = count();
	expect_long(name, expected, now - mark);
	mark = now;
}

int cases_close(void)
{
	int prog, link, copy, ev, pipefd[2], status;
	pid_t child;

	pmu = read_type();
	offset = target_offset(exe, sizeof(exe));
	expect_long("close.found_target", 1, pmu > 0 && offset > 0);
	map_fd = counter_map();
	prog = counting_prog(map_fd);
	expect_long("close.loaded", 1, map_fd >= 0 && prog >= 0);

	/* close() of the link's only fd */
	link = attached_link(prog);
	mark = count();
	expect_long("close.link.made", 1, link >= 0);
	expect_hits("close.link.attached_hits", 3, 3);
	EXPECT_CALL("close.link.close", 0, 0, close(link));
	expect_hits("close.link.after_close_hits", 0, 3);

	/* a dup keeps it; the last close detaches */
	link = attached_link(prog);
	copy = dup(link);
	mark = count();
	EXPECT_CALL("close.dup.close_first", 0, 0, close(link));
	expect_hits("close.dup.still_attached_hits", 2, 2);
	EXPECT_CALL("close.dup.close_last", 0, 0, close(copy));
	expect_hits("close.dup.after_last_close_hits", 0, 2);

	/* PERF_EVENT_IOC_SET_BPF: closing the event detaches its program */
	ev = uprobe_event();
	EXPECT_CALL("close.set_bpf.attach", 0, 0, ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	EXPECT_CALL("close.set_bpf.enable", 0, 0, ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	mark = count();
	expect_hits("close.set_bpf.attached_hits", 2, 2);
	EXPECT_CALL("close.set_bpf.close", 0, 0, close(ev));
	expect_hits("close.set_bpf.after_close_hits", 0, 2);

	/* dup2 over the link's fd closes it */
	link = attached_link(prog);
	copy = open("/dev/null", O_RDONLY | O_CLOEXEC);
	mark = count();
	expect_hits("close.dup2.attached_hits", 1, 1);
	EXPECT_CALL("close.dup2.over_link", link, 0, dup2(copy, link));
	expect_hits("close.dup2.after_hits", 0, 2);
	close(link);

	/* dup3 likewise */
	link = attached_link(prog);
	mark = count();
	EXPECT_CALL("close.dup3.over_link", link, 0, dup3(copy, link, O_CLOEXEC));
	expect_hits("close.dup3.after_hits", 0, 2);
	close(link);
	close(copy);

	/* close_range over it */
	link = attached_link(prog);
	mark = count();
	expect_hits("close.close_range.attached_hits", 1, 1);
	EXPECT_CALL("close.close_range.call", 0, 0, syscall(__NR_close_range, link, link, 0));
	expect_hits("close.close_range.after_hits", 0, 2);

	/* a forked child's copy keeps the link attached after the parent's close */
	link = attached_link(prog);
	if (pipe(pipefd) != 0)
		return 1;
	child = fork();
	if (child == 0) {
		char c;
		close(pipefd[1]);
		while (read(pipefd[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(pipefd[0]);
	mark = count();
	EXPECT_CALL("close.fork.parent_close", 0, 0, close(link));
	expect_hits("close.fork.child_holds_hits", 2, 2);
	close(pipefd[1]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	expect_long("close.fork.child_exit", 0, WIFEXITED(status) ? WEXITSTATUS(status) : 128);

	close(prog);
	close(map_fd);
	return case_failures;
}
