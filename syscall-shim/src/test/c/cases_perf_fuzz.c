/*
 * Random perf_event_open calls of the emulated kinds only (tracepoint, the uprobe and kprobe PMUs as
 * sysfs shows them, BPF output), with random sizes, configs, config1 paths (a real binary, NULL, an
 * unmapped page), pids, cpus, group fds and flags; random ioctls on the events; BPF_LINK_CREATE and
 * BPF_RAW_TRACEPOINT_OPEN with random fds and names. A kind the service does not emulate would reach
 * the kernel, so none is generated. The claims: every call returns a value or an errno, no descriptor
 * stays open after closing what was returned, and the service still answers at the end.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

static long pick(const long *v, int n)
{
	return v[next_random() % (unsigned)n];
}

static long read_type(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int cases_perf_fuzz(long calls, uint64_t seed)
{
	long types[4] = { PERF_TYPE_TRACEPOINT, read_type("/sys/bus/event_source/devices/uprobe/type"),
			  read_type("/sys/bus/event_source/devices/kprobe/type"), PERF_TYPE_SOFTWARE };
	long tp = read_type("/sys/kernel/tracing/events/syscalls/sys_enter_openat/id");
	long sizes[6] = { 0, 32, 64, 112, 128, 4096 + 8 };
	long ioctls[7] = { PERF_EVENT_IOC_ENABLE, PERF_EVENT_IOC_DISABLE, PERF_EVENT_IOC_RESET, PERF_EVENT_IOC_ID,
			   PERF_EVENT_IOC_SET_BPF, PERF_EVENT_IOC_PERIOD, 0x5401 /* TCGETS */ };
	static struct bpf_insn ret0[2] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K }, { .code = BPF_JMP | BPF_EXIT } };
	char *page = mmap(NULL, (size_t)page_size() * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *hole = page + page_size();
	long ok = 0, failed = 0, fds = 0, progs[2];
	union bpf_attr pa;

	if (page == MAP_FAILED || types[1] < 0 || types[2] < 0 || tp < 0) {
		fprintf(stderr, "perf fuzz: no emulated PMU or tracefs (uprobe %ld, kprobe %ld, tracepoint %ld)\n",
			types[1], types[2], tp);
		return ++case_failures;
	}
	munmap(hole, (size_t)page_size());
	random_state = seed ? seed : 1;
	for (int i = 0; i < 2; i++) {
		memset(&pa, 0, sizeof(pa));
		pa.prog_type = i ? BPF_PROG_TYPE_KPROBE : BPF_PROG_TYPE_TRACEPOINT;
		pa.insns = (uintptr_t)ret0;
		pa.insn_cnt = 2;
		pa.license = (uintptr_t)"GPL";
		progs[i] = sys_bpf(BPF_PROG_LOAD, &pa, sizeof(pa));
	}
	for (long n = 0; n < calls; n++) {
		/* 64 bytes before the hole: an attr of ours whose size reaches into unmapped memory. */
		char *attr_at = hole - 64;
		struct perf_event_attr *a = (void *)page;
		long r, size = pick(sizes, 6);

		memset(page, 0, (size_t)page_size());
		a->type = (uint32_t)pick(types, 4);
		a->size = (uint32_t)size;
		/* A software event other than BPF output is not ours and would reach the kernel. */
		a->config = a->type == PERF_TYPE_SOFTWARE ? PERF_COUNT_SW_BPF_OUTPUT
			     : next_random() % 4 ? (uint64_t)(tp + (long)(next_random() % 3) - 1) : next_random();
		a->config1 = pick((long[]){ 0, (long)"/proc/self/exe", (long)"/", (long)hole, (long)"do_sys_openat2" }, 5);
		a->config2 = next_random() % 2 ? next_random() % 4096 : next_random();
		if (next_random() % 8 == 0)
			page[64 + next_random() % 64] = (char)next_random(); /* garbage in the known fields or the tail */
		if (next_random() % 10 == 0) {
			memcpy(attr_at, page, 64);
			a = (void *)(next_random() % 2 ? (uintptr_t)hole : (uintptr_t)attr_at); /* faults at once or mid-way */
		}
		r = syscall(__NR_perf_event_open, a, (int)pick((long[]){ -1, 0, getpid(), 1 << 30, -2 }, 5),
			    (int)pick((long[]){ -1, 0, 1, 4096 }, 4), (int)pick((long[]){ -1, -1, 0, 3, 999 }, 5),
			    pick((long[]){ PERF_FLAG_FD_CLOEXEC, 0, 0x10, PERF_FLAG_FD_NO_GROUP }, 4));
		if (r < 0) {
			failed++;
			continue;
		}
		ok++;
		fds++;
		for (int k = 0; k < 3; k++) {
			long req = pick(ioctls, 7);
			long arg = req == PERF_EVENT_IOC_SET_BPF ? pick((long[]){ progs[0], progs[1], -1, 0, 999 }, 5) :
				   (long)pick((long[]){ 0, (long)page, (long)hole }, 3);
			ioctl((int)r, (unsigned long)req, arg);
		}
		memset(&pa, 0, sizeof(pa));
		pa.link_create.prog_fd = (uint32_t)pick((long[]){ progs[0], progs[1], r, -1 }, 4);
		pa.link_create.target_fd = (uint32_t)pick((long[]){ r, progs[0], -1, 0 }, 4);
		pa.link_create.attach_type = (uint32_t)pick((long[]){ BPF_PERF_EVENT, BPF_PERF_EVENT, 0, 1000 }, 4);
		pa.link_create.perf_event.bpf_cookie = next_random();
		{
			long link = sys_bpf(BPF_LINK_CREATE, &pa, sizeof(pa));
			if (link >= 0)
				close((int)link);
		}
		memset(&pa, 0, sizeof(pa));
		pa.raw_tracepoint.prog_fd = (uint32_t)pick((long[]){ progs[0], progs[1], r, -1 }, 4);
		pa.raw_tracepoint.name = (uint64_t)pick((long[]){ (long)"sys_enter", (long)"sys_exit", (long)"x", 0,
								   (long)hole }, 5);
		{
			long link = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &pa, sizeof(pa));
			if (link >= 0)
				close((int)link);
		}
		close((int)r);
	}
	close((int)progs[0]);
	close((int)progs[1]);
	observe("perf_fuzz.outcomes", "%ld ok, %ld failed, %ld descriptors returned", ok, failed, fds);
	expect_long("perf_fuzz.descriptors_left", 0, open_descriptors_above(2));
	expect_ret("perf_fuzz.service_still_answers", 3, 0, load_prog(prog_ret0, 2, "after", NULL), errno);
	close(3);
	munmap(page, (size_t)page_size());
	return case_failures;
}
