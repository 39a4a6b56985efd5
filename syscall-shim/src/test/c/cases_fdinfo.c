/*
 * /proc/self/fdinfo/N of BPF objects (bpf_map_show_fdinfo, bpf_prog_show_fdinfo in
 * kernel/bpf/syscall.c): the lines bpftool reads, printed but for what differs by design (memlock is
 * each implementation's own accounting, prog_jited whether a JIT ran, ids are global); the id lines
 * are checked against BPF_OBJ_GET_INFO_BY_FD instead.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <stddef.h>

static void show(const char *prefix, int fd, __u32 id)
{
	char path[64], line[256], name[320];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f) {
		observe(prefix, "fopen: %s", errno_name(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, ':');
		unsigned long long v;

		if (!tab)
			continue;
		*tab = '\0';
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "pos") || !strcmp(line, "flags") || !strcmp(line, "mnt_id") || !strcmp(line, "ino") ||
		    !strcmp(line, "memlock") || !strcmp(line, "prog_jited"))
			continue;
		snprintf(name, sizeof(name), "%s.%s", prefix, line);
		if ((!strcmp(line, "map_id") || !strcmp(line, "prog_id")) && sscanf(tab + 1, "%llu", &v) == 1) {
			observe(name, "%s", v == id ? "the object's id" : "another id");
			continue;
		}
		tab[1 + strcspn(tab + 1, "\n")] = '\0';
		observe(name, "%s", tab + 1 + strspn(tab + 1, "\t "));
	}
	fclose(f);
}

static __u32 id_of(int fd, int prog)
{
	union bpf_attr attr;
	struct bpf_map_info map;
	struct bpf_prog_info pi;

	memset(&attr, 0, sizeof(attr));
	memset(&map, 0, sizeof(map));
	memset(&pi, 0, sizeof(pi));
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = prog ? sizeof(pi) : sizeof(map);
	attr.info.info = prog ? (__u64)(unsigned long)&pi : (__u64)(unsigned long)&map;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) != 0)
		return 0;
	return prog ? pi.id : map.id;
}

int cases_fdinfo(void)
{
	long hash = map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0, 0, NULL);
	long array = map_create(BPF_MAP_TYPE_ARRAY, 4, 12, 1, BPF_F_RDONLY_PROG, 0, NULL);
	long prog = load_prog(prog_ret0, 2, "fdinfo_test", NULL);
	union bpf_attr attr;
	char buf[64];

	if (hash < 0 || array < 0 || prog < 0) {
		observe("fdinfo.setup", "failed");
		return 0;
	}
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (__u32)array;
	observe("fdinfo.freeze", "%s", outcome(sys_bpf(BPF_MAP_FREEZE, &attr, sizeof(attr)), errno, buf, sizeof(buf)));
	show("fdinfo.hash", (int)hash, id_of((int)hash, 0));
	show("fdinfo.frozen_array", (int)array, id_of((int)array, 0));
	show("fdinfo.prog", (int)prog, id_of((int)prog, 1));
	close((int)hash);
	close((int)array);
	close((int)prog);
	return 0;
}
