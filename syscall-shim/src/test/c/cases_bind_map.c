/*
 * BPF_PROG_BIND_MAP (bpf_prog_bind_map(), kernel/bpf/syscall.c): flags first (EINVAL), then the
 * program fd and the map fd (EBADF when not open, EINVAL when of another kind); binding a map twice
 * is fine; a bound map is one of the program's map ids and lives as long as the program. libbpf 1.1
 * probes it (FEAT_PROG_BIND_MAP) with an array and a socket filter.
 */
#include "bpf_case.h"

#include <stddef.h>

static long bind(int prog, int map, __u32 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_bind_map.prog_fd = (__u32)prog;
	attr.prog_bind_map.map_fd = (__u32)map;
	attr.prog_bind_map.flags = flags;
	return sys_bpf(BPF_PROG_BIND_MAP, &attr, offsetof(union bpf_attr, prog_bind_map.flags) + 4);
}

static void see(const char *name, long r)
{
	char buf[64];

	observe(name, "%s", outcome(r, errno, buf, sizeof(buf)));
}

static __u32 nr_map_ids(int prog)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)prog;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) != 0)
		return 0xffffffff;
	return info.nr_map_ids;
}

int cases_prog_bind_map(void)
{
	union bpf_attr attr;
	long prog = load_prog(prog_ret0, 2, "bind_test", NULL);
	long map;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 32;
	attr.max_entries = 1;
	map = sys_bpf(BPF_MAP_CREATE, &attr, offsetof(union bpf_attr, map_extra) + 8);
	if (prog < 0 || map < 0) {
		observe("bind_map.setup", "failed");
		return 0;
	}
	see("bind_map.flags", bind((int)prog, (int)map, 1));
	see("bind_map.bad_prog_fd", bind(987, (int)map, 0));
	see("bind_map.prog_fd_is_a_map", bind((int)map, (int)map, 0));
	see("bind_map.bad_map_fd", bind((int)prog, 987, 0));
	see("bind_map.map_fd_is_a_prog", bind((int)prog, (int)prog, 0));
	observe("bind_map.map_ids_before", "%u", nr_map_ids((int)prog));
	see("bind_map.ok", bind((int)prog, (int)map, 0));
	see("bind_map.again", bind((int)prog, (int)map, 0));
	observe("bind_map.map_ids_after", "%u", nr_map_ids((int)prog));
	close((int)map);
	observe("bind_map.map_ids_after_map_fd_closed", "%u", nr_map_ids((int)prog));
	close((int)prog);
	return 0;
}
