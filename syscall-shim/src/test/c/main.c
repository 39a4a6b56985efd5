/*
 * bpf_cases GROUP: runs one group of bpf() cases and exits 1 when any observation differs from the
 * kernel's expected behaviour (the details on stderr), 0 otherwise.
 *   attr  the size rules (E2BIG, EFAULT, EINVAL for unknown commands and unused fields)
 *   load  BPF_PROG_LOAD checks and errnos, fd numbers
 *   log   verifier log rules: log_level/log_size/log_buf, log_true_size, ENOSPC
 *   info  BPF_OBJ_GET_INFO_BY_FD for programs
 *   ids   BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID
 *   mmap  mmap of map fds (arrays, ring buffers), freeze against writable mappings, epoll/poll on rings
 *   maps  the map commands: create, elements, access per fd, freeze, fd arrays, batches, ids
 *   mapinmap  maps of maps: inner map templates, updates with map fds, inner ids, batches, lifetime
 *   fields  the attr fields of Linux 6.18 that the 6.1 header lacks (cases_fields.c)
 *   life  descriptor lifetime: close, dup, fork, exec, SCM_RIGHTS, a killed owner, two processes
 *   btf   BPF_BTF_LOAD, BTF ids and fds, OBJ_GET_INFO_BY_FD for BTF
 *   pin   BPF_OBJ_PIN and BPF_OBJ_GET on bpffs, a pin outliving the process that made it
 *   close close(), dup2/dup3 and close_range of a link or perf event detach before they return
 *         (the program uprobes itself: under the shim it needs the agent preloaded too)
 *   testrun  BPF_PROG_TEST_RUN for raw tracepoint and socket filter programs, ENOTSUPP for the others
 *   hold-btf  loads a BTF, prints its id and holds it until stdin ends (for bpftool btf show)
 *   one   loads one program and prints the outcome, no expectation (for the service start tests)
 *   count prints how many programs BPF_PROG_GET_NEXT_ID walks through, no expectation
 *   fuzz N SEED  N random calls: each gets a value or an errno, no descriptor stays open
 *   tracefs, tracefs-shim  the emulated tracefs and PMU files read by every means
 *   attach, attach-shim    perf_event_open, its ioctls and links as libbpf's attach functions use them
 *   perf-fuzz N SEED       N random perf_event_open calls of the emulated kinds, with ioctls and links
 *   badinput N SEED        N cases of bad input per bpf() command, each outcome printed (cases_badinput.c)
 *   sessions  two loader sessions at once; a session killed mid-way leaves only its pin
 *   testrun-long N  one PROG_TEST_RUN of a socket filter repeated N times; prints when it starts and ends
 *   count-all prints how many programs, maps, BTF objects and links the id walks find, no expectation
 */
#include "bpf_case.h"

int main(int argc, char **argv)
{
	/* One line per case even if a later case crashes; the harness reads it all. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: %s attr|load|log|info|ids|life|one|count|fuzz\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "attr"))
		cases_attr();
	else if (!strcmp(argv[1], "load"))
		cases_load();
	else if (!strcmp(argv[1], "log"))
		cases_log();
	else if (!strcmp(argv[1], "info"))
		cases_info();
	else if (!strcmp(argv[1], "ids"))
		cases_ids();
	else if (!strcmp(argv[1], "mapinmap"))
		cases_mapinmap();
	else if (!strcmp(argv[1], "tracefs") || !strcmp(argv[1], "tracefs-shim"))
		cases_tracefs(argv[1][7] == '-');
	else if (!strcmp(argv[1], "badinput"))
		cases_badinput(argc > 2 ? atol(argv[2]) : 300, argc > 3 ? strtoull(argv[3], NULL, 0) : 1);
	else if (!strcmp(argv[1], "testrun-long")) {
		static unsigned char packet[64];
		union bpf_attr attr;
		long fd = load_prog(prog_ret0, 2, "long", NULL), r;

		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = (unsigned)fd;
		attr.test.data_in = (uintptr_t)packet;
		attr.test.data_size_in = sizeof(packet);
		attr.test.repeat = argc > 2 ? (unsigned)atol(argv[2]) : 1000000;
		observe("testrun-long.started", "%s", fd >= 0 ? "yes" : "no");
		r = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
		observe("testrun-long.run", "%s", r == 0 ? "ok" : errno_name(errno));
	}
	else if (!strcmp(argv[1], "close"))
		cases_close();
	else if (!strcmp(argv[1], "sessions"))
		cases_sessions();
	else if (!strcmp(argv[1], "count-all")) {
		static const struct { int cmd; const char *name; } kinds[] = {
			{ BPF_PROG_GET_NEXT_ID, "progs" }, { BPF_MAP_GET_NEXT_ID, "maps" },
			{ BPF_BTF_GET_NEXT_ID, "btfs" }, { BPF_LINK_GET_NEXT_ID, "links" },
		};
		for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			union bpf_attr attr;
			long n = 0;

			memset(&attr, 0, sizeof(attr));
			while (sys_bpf(kinds[k].cmd, &attr, sizeof(attr)) == 0) {
				attr.start_id = attr.next_id;
				n++;
			}
			printf("count.%s: %ld\n", kinds[k].name, n);
		}
	}
	else if (!strcmp(argv[1], "perf-fuzz"))
		cases_perf_fuzz(argc > 2 ? atol(argv[2]) : 10000, argc > 3 ? strtoull(argv[3], NULL, 0) : 1);
	else if (!strcmp(argv[1], "attach") || !strcmp(argv[1], "attach-shim"))
		cases_attach(argv[1][6] == '-');
	else if (!strcmp(argv[1], "maps"))
		cases_maps();
	else if (!strcmp(argv[1], "fields"))
		cases_fields();
	else if (!strcmp(argv[1], "mmap"))
		cases_mmap();
	else if (!strcmp(argv[1], "btf"))
		cases_btf();
	else if (!strcmp(argv[1], "pin"))
		cases_pin();
	else if (!strcmp(argv[1], "testrun"))
		cases_testrun();
	else if (!strcmp(argv[1], "hold-btf")) {
		unsigned char blob[256];
		char buf[64];
		long fd = load_btf(blob, btf_blob(blob, sizeof(blob)), NULL, 0, 0, NULL);
		struct bpf_btf_info info;
		union bpf_attr attr;

		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = (int)fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (uintptr_t)&info;
		if (fd < 0 || sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) != 0) {
			observe("hold-btf", "%s", outcome(-1, errno, buf, sizeof(buf)));
			return 1;
		}
		observe("hold-btf.id", "%u", info.id);
		while (read(0, buf, sizeof(buf)) > 0)
			;
	}
	else if (!strcmp(argv[1], "one")) {
		char buf[64];
		long fd = load_prog(prog_ret0, 2, "one", NULL);
		observe("one.load", "%s", outcome(fd, errno, buf, sizeof(buf)));
	} else if (!strcmp(argv[1], "fuzz")) {
		cases_fuzz(argc > 2 ? atol(argv[2]) : 10000, argc > 3 ? strtoull(argv[3], NULL, 0) : 1);
	} else if (!strcmp(argv[1], "count")) {
		union bpf_attr attr;
		long n = 0;

		memset(&attr, 0, sizeof(attr));
		while (sys_bpf(BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)) == 0) {
			attr.start_id = attr.next_id;
			n++;
		}
		observe("count.progs", "%ld (walk ended with %s)", n, errno_name(errno));
	} else if (!strcmp(argv[1], "life") || !strncmp(argv[1], "life-", 5))
		cases_life(argc, argv);
	else {
		fprintf(stderr, "unknown group %s\n", argv[1]);
		return 2;
	}
	return case_failures ? 1 : 0;
}
