/*
 * The cgroup helpers of tracing programs (kernel/trace/bpf_trace.c, kernel/bpf/helpers.c): the
 * calling thread's cgroup v2 is the "0::PATH" line of /proc/thread-self/cgroup, a cgroup's id is
 * its directory's inode number under the cgroup2 mount (cgroup_id() is the kernfs node id, which
 * is the inode number on 64-bit), and its ancestors are the path's prefixes. Each call asks the
 * kernel afresh, since a thread may move between cgroups at any time.
 *
 * What a process cannot see: cgroups above its cgroup namespace's root (the kernel's levels count
 * from the real root; here from the namespace's), and everything when no cgroup2 is mounted (the
 * ids are then 0 and no slot matches).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "bpftime_map.h"
#include "helpers_internal.h"

#define MAP_TYPE_CGROUP_ARRAY 8
#define PATH_BYTES 4096
#define MAX_LEVELS 256

/* The cgroup2 mount as mountinfo gives it: where it is mounted, and which cgroup is its root. */
static char mount_point[PATH_BYTES];
static char mount_root[PATH_BYTES];
static int mount_found;

/* Reads a whole small file with raw system calls: its length, or -errno. buf is NUL-terminated. */
static long read_file(const char *path, char *buf, size_t size)
{
	long fd = helper_syscall(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return fd;
	size_t len = 0;
	while (len + 1 < size) {
		long n = helper_syscall(SYS_read, fd, (long)(buf + len), (long)(size - 1 - len), 0, 0);
		if (n < 0) {
			helper_syscall(SYS_close, fd, 0, 0, 0, 0);
			return n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	helper_syscall(SYS_close, fd, 0, 0, 0, 0);
	buf[len] = 0;
	return (long)len;
}

/* Copies one space-separated mountinfo field, undoing its octal escapes (\040 for a space). */
static const char *copy_field(const char *p, char *out, size_t size)
{
	size_t n = 0;
	while (*p && *p != ' ' && *p != '\n') {
		char c = *p++;
		if (c == '\\' && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7') {
			c = (char)((p[0] - '0') << 6 | (p[1] - '0') << 3 | (p[2] - '0'));
			p += 3;
		}
		if (n + 1 < size)
			out[n++] = c;
	}
	out[n] = 0;
	return *p == ' ' ? p + 1 : p;
}

static const char *skip_field(const char *p)
{
	while (*p && *p != ' ' && *p != '\n')
		p++;
	return *p == ' ' ? p + 1 : p;
}

/* Finds the first cgroup2 mount in /proc/self/mountinfo (proc(5): fields 4 and 5 are the root
 * and the mount point; the file system type follows the " - " separator). */
static void look_for_mount(void)
{
	static char info[1 << 16];
	if (read_file("/proc/self/mountinfo", info, sizeof(info)) <= 0)
		return;
	for (const char *line = info; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		const char *sep = strstr(line, " - ");
		const char *eol = strchr(line, '\n');
		if (!sep || (eol && sep > eol) || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		const char *p = skip_field(skip_field(skip_field(line)));
		p = copy_field(p, mount_root, sizeof(mount_root));
		copy_field(p, mount_point, sizeof(mount_point));
		mount_found = 1;
		return;
	}
}

/* Looked for once per process: a cgroup2 mount seldom comes or goes under a running program. */
static int find_mount(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, look_for_mount);
	return mount_found;
}

/*
 * The directory of the calling thread's cgroup v2 in dir (mount point + the path below the
 * mount's root) and the length of the mount point part; -1 when it cannot be seen.
 */
static long current_cgroup_dir(char *dir, size_t size)
{
	char cg[PATH_BYTES];
	if (!find_mount() || read_file("/proc/thread-self/cgroup", cg, sizeof(cg)) <= 0)
		return -1;
	const char *path = NULL;
	for (const char *line = cg; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "0::", 3) == 0) {
			path = line + 3;
			break;
		}
	}
	if (!path)
		return -1;
	size_t len = strcspn(path, "\n");
	size_t root_len = strcmp(mount_root, "/") == 0 ? 0 : strlen(mount_root);
	if (root_len && (len < root_len || strncmp(path, mount_root, root_len) != 0 ||
			 (len > root_len && path[root_len] != '/')))
		return -1; /* the thread's cgroup is outside what the mount shows */
	path += root_len;
	len -= root_len;
	size_t mp = strlen(mount_point);
	if (mp + len + 1 > size)
		return -1;
	memcpy(dir, mount_point, mp);
	memcpy(dir + mp, path, len);
	dir[mp + len] = 0;
	while (len > 0 && dir[mp + len - 1] == '/')
		dir[mp + --len] = 0;
	return (long)mp;
}

static uint64_t inode_of(const char *dir)
{
	struct stat st;
	if (helper_syscall(SYS_newfstatat, AT_FDCWD, (long)dir, (long)&st, 0, 0) < 0)
		return 0;
	return st.st_ino;
}

/* The cgroup directories from the thread's own up to the mount's root, as lengths of dir's
 * prefixes (the last is the root). The number of them, or 0. */
static uint32_t ancestry(char *dir, size_t size, size_t *ends, uint32_t max)
{
	long mp = current_cgroup_dir(dir, size);
	if (mp < 0)
		return 0;
	uint32_t n = 0;
	size_t end = strlen(dir);
	while (n < max) {
		ends[n++] = end;
		if (end <= (size_t)mp)
			break;
		while (end > (size_t)mp && dir[end - 1] != '/')
			end--;
		end = end > (size_t)mp ? end - 1 : (size_t)mp; /* without the '/' before the last name */
	}
	return n;
}

static uint64_t inode_of_prefix(char *dir, size_t end)
{
	char saved = dir[end];
	dir[end] = 0;
	uint64_t ino = inode_of(dir);
	dir[end] = saved;
	return ino;
}

/* bpf_get_current_cgroup_id(): cgroup_id(task_dfl_cgroup(current)). */
HELPER(get_current_cgroup_id)
{
	char dir[2 * PATH_BYTES];
	if (current_cgroup_dir(dir, sizeof(dir)) < 0)
		return 0;
	return inode_of(dir);
}

/* bpf_get_current_ancestor_cgroup_id(level): the id of the ancestor at level (0 is the root), 0
 * when level is beyond the cgroup's own (cgroup_ancestor()). */
HELPER(get_current_ancestor_cgroup_id)
{
	int level = (int)r1;
	char dir[2 * PATH_BYTES];
	size_t ends[MAX_LEVELS];
	uint32_t n = ancestry(dir, sizeof(dir), ends, MAX_LEVELS);
	if (level < 0 || (uint32_t)level >= n)
		return 0;
	return inode_of_prefix(dir, ends[n - 1 - (uint32_t)level]);
}

/*
 * bpf_current_task_under_cgroup(map, index): -E2BIG for an index beyond max_entries, -EAGAIN for
 * an empty slot, else task_under_cgroup_hierarchy(): 1 when the slot's cgroup is the thread's or
 * one of its ancestors, 0 otherwise. A slot holds the cgroup's inode number cut to 32 bits
 * (docs/MAP-FORMAT.md), so the comparison is on 32 bits.
 */
HELPER(current_task_under_cgroup)
{
	struct bpftime_map *map = PTR(r1);
	uint32_t index = (uint32_t)r2;
	if (!map || bpftime_map_type(map) != MAP_TYPE_CGROUP_ARRAY)
		return (uint64_t)-EINVAL; /* the verifier keeps other maps out; never reached from a program */
	if (index >= bpftime_map_max_entries(map))
		return (uint64_t)-E2BIG;
	uint32_t want = bpftime_fd_array_get(map, index);
	if (!want)
		return (uint64_t)-EAGAIN;
	char dir[2 * PATH_BYTES];
	size_t ends[MAX_LEVELS];
	uint32_t n = ancestry(dir, sizeof(dir), ends, MAX_LEVELS);
	for (uint32_t i = 0; i < n; i++) {
		if ((uint32_t)inode_of_prefix(dir, ends[i]) == want)
			return 1;
	}
	return 0;
}
