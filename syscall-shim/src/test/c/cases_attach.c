/*
 * What libbpf does to attach (libbpf.c, v1.1): bpf_program__attach_tracepoint (the id from tracefs,
 * perf_event_open PERF_TYPE_TRACEPOINT pid -1 cpu 0, then BPF_LINK_CREATE BPF_PERF_EVENT, or
 * PERF_EVENT_IOC_SET_BPF + ENABLE without links), attach_uprobe through the uprobe PMU (type and
 * retprobe bit from sysfs, path in config1, offset in config2), attach_raw_tracepoint
 * (BPF_RAW_TRACEPOINT_OPEN), perf_buffer__new (one PERF_COUNT_SW_BPF_OUTPUT event per possible CPU),
 * and the feature probe probe_perf_link. Group "attach" prints only what the kernel and the shim
 * share; "attach-shim" adds the kprobe PMU, which this host's kernel lacks.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>

static long task_fd_query(int pid, int fd, char *buf, unsigned buf_len, unsigned flags, union bpf_attr *q);

static struct bpf_insn ret0[2] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* Where a uprobe goes in this very binary: a function of ours the compiler must keep. */
__attribute__((noinline, used)) int uprobe_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

static long load_typed(enum bpf_prog_type type, const char *name)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uintptr_t)ret0;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static long read_long(const char *path, const char *fmt)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fscanf(f, fmt, &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static long perf_open(struct perf_event_attr *a, int pid, int cpu, int group, unsigned long flags)
{
	return syscall(__NR_perf_event_open, a, pid, cpu, group, flags);
}

static long tracepoint_event(const char *category, const char *name)
{
	char path[256];
	struct perf_event_attr a;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/%s/id", category, name);
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = (uint64_t)read_long(path, "%ld");
	a.sample_period = 1;
	a.wakeup_events = 1;
	return perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static long link_create(int prog, int target, unsigned type, uint64_t cookie)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.target_fd = target;
	attr.link_create.attach_type = type;
	attr.link_create.perf_event.bpf_cookie = cookie;
	return sys_bpf(BPF_LINK_CREATE, &attr, sizeof(attr));
}

static long link_info(int fd, struct bpf_link_info *info)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uintptr_t)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
}

static long raw_tp_open(int prog, const char *name)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = (uintptr_t)name;
	attr.raw_tracepoint.prog_fd = prog;
	return sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
}

static void tracepoints(void)
{
	char buf[64];
	struct bpf_link_info info;
	uint64_t event_id = 0;
	long prog, ev, link, ev2, r;

	prog = load_typed(BPF_PROG_TYPE_TRACEPOINT, "tp");
	expect_ret("attach.tp.load", 3, 0, prog, errno);
	/* libbpf's probe_perf_link: BPF_LINK_CREATE with target_fd -1 must be EBADF for links to be used. */
	EXPECT_CALL("attach.probe_perf_link", -1, EBADF, link_create((int)prog, -1, BPF_PERF_EVENT, 0));
	ev = tracepoint_event("syscalls", "sys_enter_getpid");
	expect_ret("attach.tp.perf_event_open", 4, 0, ev, errno);
	expect_long("attach.tp.cloexec", FD_CLOEXEC, fcntl((int)ev, F_GETFD));
	link = link_create((int)prog, (int)ev, BPF_PERF_EVENT, 42);
	expect_ret("attach.tp.link_create", 5, 0, link, errno);
	EXPECT_CALL("attach.tp.link_again", -1, EEXIST, link_create((int)prog, (int)ev, BPF_PERF_EVENT, 0));
	EXPECT_CALL("attach.tp.set_bpf_taken", -1, EEXIST, ioctl((int)ev, PERF_EVENT_IOC_SET_BPF, (int)prog));
	memset(&info, 0, sizeof(info));
	r = link_info((int)link, &info);
	expect_ret("attach.tp.link_info", 0, 0, r, errno);
	expect_long("attach.tp.link_info.type", BPF_LINK_TYPE_PERF_EVENT, info.type);
	expect_long("attach.tp.link_info.prog_id_is_ours", 1, info.prog_id == (uint32_t)prog_id_of((int)prog));
	EXPECT_CALL("attach.tp.link_detach", -1, EOPNOTSUPP, sys_bpf(BPF_LINK_DETACH, &(union bpf_attr){
		.link_detach.link_fd = (uint32_t)link }, sizeof(union bpf_attr)));
	EXPECT_CALL("attach.tp.link_update", -1, EINVAL, sys_bpf(BPF_LINK_UPDATE, &(union bpf_attr){
		.link_update.link_fd = (uint32_t)link, .link_update.new_prog_fd = (uint32_t)prog }, sizeof(union bpf_attr)));

	/* Without links (libbpf before 0.8, or when probe_perf_link fails): SET_BPF then ENABLE. */
	ev2 = tracepoint_event("raw_syscalls", "sys_exit");
	expect_ret("attach.tp2.perf_event_open", 6, 0, ev2, errno);
	EXPECT_CALL("attach.tp2.set_bpf", 0, 0, ioctl((int)ev2, PERF_EVENT_IOC_SET_BPF, (int)prog));
	EXPECT_CALL("attach.tp2.enable", 0, 0, ioctl((int)ev2, PERF_EVENT_IOC_ENABLE, 0));
	EXPECT_CALL("attach.tp2.disable", 0, 0, ioctl((int)ev2, PERF_EVENT_IOC_DISABLE, 0));
	r = ioctl((int)ev2, PERF_EVENT_IOC_ID, &event_id);
	expect_ret("attach.tp2.id", 0, 0, r, errno);
	expect_long("attach.tp2.id_nonzero", 1, event_id != 0);
	EXPECT_CALL("attach.tp2.set_bpf_bad_fd", -1, EBADF, ioctl((int)ev2, PERF_EVENT_IOC_SET_BPF, 999));
	EXPECT_CALL("attach.link_on_non_perf_fd", -1, EBADF, link_create((int)prog, 0, BPF_PERF_EVENT, 0));
	EXPECT_CALL("attach.tp.unknown_id", -1, EINVAL, ({
		struct perf_event_attr a = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(a), .config = 0x7ffffff0 };
		perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC); }));
	EXPECT_CALL("attach.tp.pid_and_cpu_minus_one", -1, EINVAL, ({
		struct perf_event_attr a = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(a), .config = event_id };
		perf_open(&a, -1, -1, -1, PERF_FLAG_FD_CLOEXEC); }));
	/* The kernel checks the group fd before the event: a non-perf fd is EBADF. */
	EXPECT_CALL("attach.tp.group_not_perf", -1, EBADF, ({
		struct perf_event_attr a = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(a), .config = 1 };
		perf_open(&a, -1, 0, 0, PERF_FLAG_FD_CLOEXEC); }));
	close((int)ev2);
	close((int)link);
	close((int)ev);
	/* The link and the events are gone: the same fd numbers come back. */
	ev = tracepoint_event("syscalls", "sys_exit_getpid");
	expect_ret("attach.tp.fds_reused", 4, 0, ev, errno);
	{
		struct perf_event_attr a;
		long plain;
		memset(&a, 0, sizeof(a));
		a.type = PERF_TYPE_TRACEPOINT;
		a.size = sizeof(a);
		a.config = (uint64_t)read_long("/sys/kernel/tracing/events/syscalls/sys_enter_read/id", "%ld");
		plain = perf_open(&a, -1, 0, -1, 0);
		expect_ret("attach.tp.no_cloexec_flag", 5, 0, plain, errno);
		expect_long("attach.tp.no_cloexec", 0, fcntl((int)plain, F_GETFD));
		close((int)plain);
	}
	close((int)ev);
	close((int)prog);
	(void)buf;
}

/* BPF_LINK_GET_NEXT_ID finds the link; BPF_LINK_GET_FD_BY_ID gives a new fd on the same link (bpftool link show). */
static void link_ids(int link, uint32_t id)
{
	struct bpf_link_info info;
	union bpf_attr attr;
	uint32_t at = 0;
	int found = 0, steps = 0;
	long fd;

	memset(&attr, 0, sizeof(attr));
	while (steps++ < 100000) {
		attr.start_id = at;
		if (sys_bpf(BPF_LINK_GET_NEXT_ID, &attr, sizeof(attr)) != 0)
			break;
		found |= attr.next_id == id;
		at = attr.next_id;
	}
	expect_str("attach.link_ids.walk_ends", "ENOENT", errno_name(errno));
	expect_long("attach.link_ids.walk_finds_ours", 1, found);
	memset(&attr, 0, sizeof(attr));
	attr.link_id = id;
	fd = sys_bpf(BPF_LINK_GET_FD_BY_ID, &attr, sizeof(attr));
	expect_ret("attach.link_ids.fd_by_id", 6, 0, fd, errno);
	memset(&info, 0, sizeof(info));
	expect_long("attach.link_ids.same_link", 1, link_info((int)fd, &info) == 0 && info.id == id);
	close((int)fd);
	attr.link_id = 0;
	EXPECT_CALL("attach.link_ids.id_0", -1, ENOENT, sys_bpf(BPF_LINK_GET_FD_BY_ID, &attr, sizeof(attr)));
	(void)link;
}

static void raw_tracepoints(void)
{
	struct bpf_link_info info;
	char name[32];
	long prog, sf, link;

	prog = load_typed(BPF_PROG_TYPE_RAW_TRACEPOINT, "raw");
	expect_ret("attach.raw.load", 3, 0, prog, errno);
	link = raw_tp_open((int)prog, "sys_enter");
	expect_ret("attach.raw.sys_enter", 4, 0, link, errno);
	memset(&info, 0, sizeof(info));
	memset(name, 'x', sizeof(name));
	info.raw_tracepoint.tp_name = (uintptr_t)name;
	info.raw_tracepoint.tp_name_len = sizeof(name);
	EXPECT_CALL("attach.raw.info", 0, 0, link_info((int)link, &info));
	expect_long("attach.raw.info.type", BPF_LINK_TYPE_RAW_TRACEPOINT, info.type);
	expect_str("attach.raw.info.tp_name", "sys_enter", name);
	expect_long("attach.raw.info.tp_name_len", 10, info.raw_tracepoint.tp_name_len);
	info.raw_tracepoint.tp_name_len = 4;
	EXPECT_CALL("attach.raw.info.short_name", -1, ENOSPC, link_info((int)link, &info));
	{
		union bpf_attr q;
		char tp[32];

		EXPECT_CALL("attach.raw.task_fd_query", 0, 0,
			   task_fd_query(getpid(), (int)link, tp, sizeof(tp), 0, &q));
		expect_long("attach.raw.task_fd_query.fd_type", BPF_FD_TYPE_RAW_TRACEPOINT, q.task_fd_query.fd_type);
		expect_str("attach.raw.task_fd_query.name", "sys_enter", tp);
		expect_long("attach.raw.task_fd_query.buf_len", 9, q.task_fd_query.buf_len);
		expect_long("attach.raw.task_fd_query.prog_id_is_ours", 1,
			    q.task_fd_query.prog_id == (uint32_t)prog_id_of((int)prog));
	}
	EXPECT_CALL("attach.raw.sys_exit", 5, 0, raw_tp_open((int)prog, "sys_exit"));
	link_ids((int)link, info.id);
	EXPECT_CALL("attach.raw.unknown", -1, ENOENT, raw_tp_open((int)prog, "no_such_tracepoint_xyz"));
	EXPECT_CALL("attach.raw.null_name", -1, EFAULT, raw_tp_open((int)prog, NULL));
	sf = load_prog(prog_ret0, 2, "sf", NULL);
	EXPECT_CALL("attach.raw.socket_filter", -1, EINVAL, raw_tp_open((int)sf, "sys_enter"));
	EXPECT_CALL("attach.raw.bad_prog_fd", -1, EBADF, raw_tp_open(999, "sys_enter"));
	close((int)sf);
	close(5);
	close((int)link);
	close((int)prog);
}

/* The file offset of uprobe_target: its address minus the start of the executable's first mapping,
 * which maps file offset 0 (gcc's PIE layout maps segments at vaddr == file offset). */
static long own_offset(char *exe, size_t len)
{
	char line[512];
	unsigned long start = 0;
	FILE *maps;
	ssize_t n = readlink("/proc/self/exe", exe, len - 1);

	if (n <= 0)
		return -1;
	exe[n] = 0;
	maps = fopen("/proc/self/maps", "re");
	if (!maps)
		return -1;
	while (fgets(line, sizeof(line), maps)) {
		if (strstr(line, exe)) {
			sscanf(line, "%lx-", &start);
			break;
		}
	}
	fclose(maps);
	return start ? (long)((unsigned long)uprobe_target - start) : -1;
}

static long uprobe_event(const char *path, long offset, int retprobe)
{
	struct perf_event_attr a;
	long type = read_long("/sys/bus/event_source/devices/uprobe/type", "%ld");
	long bit = read_long("/sys/bus/event_source/devices/uprobe/format/retprobe", "config:%ld");

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (uint32_t)type;
	a.config1 = (uintptr_t)path;
	a.config2 = (uint64_t)offset;
	if (retprobe && bit >= 0)
		a.config |= 1UL << bit;
	return perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

/* BPF_TASK_FD_QUERY on a descriptor of this process: what `bpftool perf` lists for it. */
static long task_fd_query(int pid, int fd, char *buf, unsigned buf_len, unsigned flags, union bpf_attr *q)
{
	memset(q, 0, sizeof(*q));
	q->task_fd_query.pid = (unsigned)pid;
	q->task_fd_query.fd = (unsigned)fd;
	q->task_fd_query.flags = flags;
	q->task_fd_query.buf = (uintptr_t)buf;
	q->task_fd_query.buf_len = buf_len;
	return sys_bpf(BPF_TASK_FD_QUERY, q, sizeof(*q));
}

/* The kernel-internal ENOTSUPP (include/linux/errno.h), which bpf_task_fd_query gives for other descriptors. */
#define KERNEL_ENOTSUPP 524

static void task_fd_queries(const char *exe, long off, int prog, int ev, int ret_ev, int link)
{
	union bpf_attr q;
	char name[PATH_MAX];
	int me = getpid();

	EXPECT_CALL("attach.task_fd_query.uprobe", 0, 0, task_fd_query(me, ev, name, sizeof(name), 0, &q));
	expect_long("attach.task_fd_query.uprobe.prog_id_is_ours", 1,
		    q.task_fd_query.prog_id == (uint32_t)prog_id_of(prog));
	expect_long("attach.task_fd_query.uprobe.fd_type", BPF_FD_TYPE_UPROBE, q.task_fd_query.fd_type);
	expect_long("attach.task_fd_query.uprobe.file_is_ours", 1, strcmp(name, exe) == 0);
	expect_long("attach.task_fd_query.uprobe.buf_len_is_name_len", 1, q.task_fd_query.buf_len == strlen(exe));
	expect_long("attach.task_fd_query.uprobe.offset_is_ours", 1, q.task_fd_query.probe_offset == (uint64_t)off);
	expect_long("attach.task_fd_query.uprobe.probe_addr", 0, (long)q.task_fd_query.probe_addr);
	EXPECT_CALL("attach.task_fd_query.uretprobe", 0, 0, task_fd_query(me, ret_ev, name, sizeof(name), 0, &q));
	expect_long("attach.task_fd_query.uretprobe.fd_type", BPF_FD_TYPE_URETPROBE, q.task_fd_query.fd_type);
	EXPECT_CALL("attach.task_fd_query.short_buf", -1, ENOSPC, task_fd_query(me, ev, name, 4, 0, &q));
	expect_long("attach.task_fd_query.short_buf.cut_to_3", 3, (long)strlen(name));
	expect_long("attach.task_fd_query.short_buf.prog_id_still_written", 1,
		    q.task_fd_query.prog_id == (uint32_t)prog_id_of(prog));
	EXPECT_CALL("attach.task_fd_query.no_buf", 0, 0, task_fd_query(me, ev, NULL, 0, 0, &q));
	expect_long("attach.task_fd_query.no_buf.buf_len_is_name_len", 1, q.task_fd_query.buf_len == strlen(exe));
	EXPECT_CALL("attach.task_fd_query.perf_link", -1, KERNEL_ENOTSUPP,
		    task_fd_query(me, link, name, sizeof(name), 0, &q));
	EXPECT_CALL("attach.task_fd_query.program", -1, KERNEL_ENOTSUPP,
		    task_fd_query(me, prog, name, sizeof(name), 0, &q));
	EXPECT_CALL("attach.task_fd_query.flags", -1, EINVAL, task_fd_query(me, ev, name, sizeof(name), 1, &q));
	EXPECT_CALL("attach.task_fd_query.closed_fd", -1, EBADF, task_fd_query(me, 999, name, sizeof(name), 0, &q));
	EXPECT_CALL("attach.task_fd_query.no_task", -1, ENOENT,
		    task_fd_query(0x3ffffff0, ev, name, sizeof(name), 0, &q));
}

static void uprobes(void)
{
	char exe[PATH_MAX];
	long off = own_offset(exe, sizeof(exe));
	long prog, ev, ret_ev, link;

	expect_long("attach.uprobe.offset_found", 1, off > 0);
	prog = load_typed(BPF_PROG_TYPE_KPROBE, "up");
	expect_ret("attach.uprobe.load", 3, 0, prog, errno);
	ev = uprobe_event(exe, off, 0);
	expect_ret("attach.uprobe.perf_event_open", 4, 0, ev, errno);
	link = link_create((int)prog, (int)ev, BPF_PERF_EVENT, 7);
	expect_ret("attach.uprobe.link_create", 5, 0, link, errno);
	ret_ev = uprobe_event(exe, off, 1);
	expect_ret("attach.uretprobe.perf_event_open", 6, 0, ret_ev, errno);
	EXPECT_CALL("attach.uretprobe.set_bpf", 0, 0, ioctl((int)ret_ev, PERF_EVENT_IOC_SET_BPF, (int)prog));
	task_fd_queries(exe, off, (int)prog, (int)ev, (int)ret_ev, (int)link);
	EXPECT_CALL("attach.uprobe.missing_file", -1, ENOENT, uprobe_event("/nonexistent/binary", 0, 0));
	EXPECT_CALL("attach.uprobe.directory", -1, EINVAL, uprobe_event("/", 0, 0));
	{
		long tp = load_typed(BPF_PROG_TYPE_TRACEPOINT, "tp");
		EXPECT_CALL("attach.uprobe.tracepoint_prog", -1, EINVAL,
			   link_create((int)tp, (int)ev, BPF_PERF_EVENT, 0));
		close((int)tp);
	}
	close((int)ret_ev);
	close((int)link);
	close((int)ev);
	close((int)prog);
	uprobe_target(1);
}

/* perf_buffer__new: one BPF output event per possible CPU, pid -1 (libbpf perf_buffer__open_cpu_buf). */
static void bpf_output(void)
{
	struct perf_event_attr a;
	long cpus = sysconf(_SC_NPROCESSORS_CONF), fd;
	char name[64];

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_BPF_OUTPUT;
	a.sample_type = PERF_SAMPLE_RAW;
	a.sample_period = 1;
	a.wakeup_events = 1;
	for (long cpu = 0; cpu < cpus; cpu++) {
		snprintf(name, sizeof(name), "attach.bpf_output.cpu%ld", cpu);
		fd = perf_open(&a, -1, (int)cpu, -1, PERF_FLAG_FD_CLOEXEC);
		expect_ret(name, 3 + cpu, 0, fd, errno);
	}
	EXPECT_CALL("attach.bpf_output.cpu_beyond", -1, EINVAL, perf_open(&a, -1, 4096, -1, PERF_FLAG_FD_CLOEXEC));
	for (long cpu = 0; cpu < cpus; cpu++)
		close((int)(3 + cpu));
	a.size = 32;
	EXPECT_CALL("attach.perf_attr.too_small", -1, E2BIG, perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
	expect_long("attach.perf_attr.size_written_back", sizeof(struct perf_event_attr) >= 128 ? 1 : 0, a.size >= 128);
}

/* The kprobe PMU: this host's kernel has none; ours refuses every function as unknown (ENOENT). */
static void kprobes(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (uint32_t)read_long("/sys/bus/event_source/devices/kprobe/type", "%ld");
	a.config1 = (uintptr_t)"do_sys_openat2";
	EXPECT_CALL("attach_shim.kprobe", -1, ENOENT, perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
}

int cases_attach(int shim)
{
	tracepoints();
	raw_tracepoints();
	uprobes();
	bpf_output();
	if (shim)
		kprobes();
	return case_failures;
}
