/*
 * CGROUP_ARRAY slots (cgroup_array_map_ops, kernel/bpf/arraymap.c): an update takes the descriptor
 * of a cgroup v2 directory, O_PATH or not (cgroup_get_from_fd()); every other file, a cgroup v1
 * directory, a file inside a cgroup, a BPF object or no descriptor is EBADF; lookups from the
 * syscall side are ENOTSUPP (no map_fd_sys_lookup_elem). Directories are found through
 * /proc/self/mounts, so the case runs wherever the cgroup file systems are mounted.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <stddef.h>

/* The mount point of the first file system of this type, or NULL. */
static const char *mount_of(const char *fstype, char *out, size_t len)
{
	char line[1024], dir[512], type[64];
	FILE *f = fopen("/proc/self/mounts", "re");

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %511s %63s", dir, type) == 2 && strcmp(type, fstype) == 0) {
			snprintf(out, len, "%s", dir);
			fclose(f);
			return out;
		}
	}
	fclose(f);
	return NULL;
}

static long slot_cmd(int cmd, int map, __u32 index, __u32 *value, __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (__u64)(unsigned long)&index;
	attr.value = (__u64)(unsigned long)value;
	attr.flags = flags;
	return sys_bpf(cmd, &attr, offsetof(union bpf_attr, flags) + 8);
}

static void put(const char *name, int map, __u32 index, int fd, __u64 flags)
{
	__u32 v = (__u32)fd;
	long r = slot_cmd(BPF_MAP_UPDATE_ELEM, map, index, &v, flags);
	int e = errno;
	char buf[64];

	observe(name, "%s", outcome(r, e, buf, sizeof(buf)));
}

static void put_path(const char *name, int map, const char *path, int open_flags)
{
	int fd = path ? open(path, open_flags | O_CLOEXEC) : -1;

	if (path && fd < 0) {
		observe(name, "cannot open %s", path);
		return;
	}
	put(name, map, 0, fd, BPF_ANY);
	if (fd >= 0)
		close(fd);
}

/* map_check_no_btf(): the fd arrays take a BTF object but no key or value types (ENOTSUPP). */
static void fd_arrays_with_btf_types(void)
{
	static const __u32 types[] = { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_PERF_EVENT_ARRAY,
				       BPF_MAP_TYPE_CGROUP_ARRAY };
	unsigned char blob[512];
	size_t len = btf_blob(blob, sizeof(blob));
	long btf = load_btf(blob, (unsigned)len, NULL, 0, 0, NULL);
	char name[64], buf[64];

	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.map_type = types[i];
		attr.key_size = 4;
		attr.value_size = 4;
		attr.max_entries = 2;
		attr.btf_fd = (__u32)btf;
		attr.btf_key_type_id = 1; /* int */
		attr.btf_value_type_id = 1;
		long fd = sys_bpf(BPF_MAP_CREATE, &attr, offsetof(union bpf_attr, map_extra) + 8);
		snprintf(name, sizeof(name), "cgroup_array.btf_types_map_type_%u", types[i]);
		observe(name, "%s", outcome(fd < 0 ? fd : 0, errno, buf, sizeof(buf)));
		if (fd >= 0)
			close((int)fd);
	}
	if (btf >= 0)
		close((int)btf);
}

int cases_cgroup_array(void)
{
	char v2[512], v1[512], file[600];
	const char *v2dir = mount_of("cgroup2", v2, sizeof(v2));
	const char *v1dir = mount_of("cgroup", v1, sizeof(v1));
	long map = map_create(BPF_MAP_TYPE_CGROUP_ARRAY, 4, 4, 4, 0, 0, NULL);
	char buf[64];

	observe("cgroup_array.create", "%s", outcome(map < 0 ? map : 0, errno, buf, sizeof(buf)));
	if (map < 0)
		return 0;
	observe("cgroup_array.has_cgroup2", "%s", v2dir ? "yes" : "no");
	if (v2dir) {
		put_path("cgroup_array.update_cgroup2_dir", (int)map, v2dir, O_RDONLY | O_DIRECTORY);
		put_path("cgroup_array.update_cgroup2_dir_o_path", (int)map, v2dir, O_PATH);
		snprintf(file, sizeof(file), "%s/cgroup.procs", v2dir);
		put_path("cgroup_array.update_cgroup2_file", (int)map, file, O_RDONLY);
	}
	if (v1dir)
		put_path("cgroup_array.update_cgroup1_dir", (int)map, v1dir, O_RDONLY | O_DIRECTORY);
	put_path("cgroup_array.update_tmp_dir", (int)map, "/tmp", O_RDONLY | O_DIRECTORY);
	put_path("cgroup_array.update_regular_file", (int)map, "/proc/self/status", O_RDONLY);
	put("cgroup_array.update_bad_fd", (int)map, 0, 987, BPF_ANY);
	put("cgroup_array.update_map_fd", (int)map, 0, (int)map, BPF_ANY);
	if (v2dir) {
		int fd = open(v2dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		__u32 out = 0;

		put("cgroup_array.update_noexist", (int)map, 1, fd, BPF_NOEXIST);
		put("cgroup_array.update_out_of_range", (int)map, 4, fd, BPF_ANY);
		put("cgroup_array.update_slot_1", (int)map, 1, fd, BPF_ANY);
		long r = slot_cmd(BPF_MAP_LOOKUP_ELEM, (int)map, 1, &out, 0);
		observe("cgroup_array.lookup", "%s", outcome(r, errno, buf, sizeof(buf)));
		r = slot_cmd(BPF_MAP_DELETE_ELEM, (int)map, 1, NULL, 0);
		observe("cgroup_array.delete", "%s", outcome(r, errno, buf, sizeof(buf)));
		r = slot_cmd(BPF_MAP_DELETE_ELEM, (int)map, 1, NULL, 0);
		observe("cgroup_array.delete_again", "%s", outcome(r, errno, buf, sizeof(buf)));
		close(fd);
	}
	close((int)map);
	fd_arrays_with_btf_types();
	return 0;
}
