/*
 * BPF_OBJ_PIN and BPF_OBJ_GET (kernel/bpf/syscall.c bpf_obj_pin / bpf_obj_get, kernel/bpf/inode.c):
 * flags, what can be pinned (maps, programs, links; a BTF object or a bad fd is EINVAL), where (bpffs
 * only: EPERM in another filesystem, ENOENT without the directory, EEXIST on an existing name), what a
 * get returns (ENOENT, EACCES for a directory or a file that is no pin), and a pin that outlives the
 * process that made it. Pin names carry the pid so that kernel runs do not collide; they are removed at
 * the end (through the shim the unlink is the emulated bpffs's).
 */
#include "bpf_case.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>

/* include/uapi/linux/magic.h */
#define BPF_FS_MAGIC_VALUE 0xcafe4a11

/*
 * What stat and statfs show of bpffs (kernel/bpf/inode.c, fs/libfs.c simple_statfs): the type libbpf's
 * check_path and bpftool's is_bpffs test, a pin a regular file of 0600 less the umask with one link, the
 * root a directory, inode numbers stable and distinct. Absolute inode numbers and times differ between
 * runs, so only relations print.
 */
static long obj_pin(int fd, const char *path, unsigned flags);
static long obj_get(const char *path, unsigned flags, int bpf_fd);

/* readdir of a folder (ls, find): its names, sorted; opendir of a pin or of nothing fails as the walk does. */
static void list_folder(const char *dir, const char *pin)
{
	char names[256] = "", missing[200];
	struct dirent *e;
	const char *sorted[8];
	int n = 0;
	DIR *d = opendir(dir);

	expect_long("readdir.opened", 1, d != NULL);
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < 8)
			sorted[n++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(sorted[j], sorted[i]) < 0) {
				const char *t = sorted[i];
				sorted[i] = sorted[j];
				sorted[j] = t;
			}
	for (int i = 0; i < n; i++) {
		strncat(names, sorted[i], sizeof(names) - strlen(names) - 2);
		strcat(names, i + 1 < n ? "," : "");
		free((void *)sorted[i]);
	}
	expect_str("readdir.names", "prog,sub", names);
	d = opendir(pin);
	expect_str("readdir.a_pin", "ENOTDIR", d ? "ok" : errno_name(errno));
	if (d)
		closedir(d);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	d = opendir(missing);
	expect_str("readdir.missing", "ENOENT", d ? "ok" : errno_name(errno));
	if (d)
		closedir(d);
}

/*
 * Folders in bpffs (bpf_mkdir, simple_rmdir): libbpf's bpf_object__pin makes one per object. The mode is
 * mkdir's less the umask, a folder counts its subfolders in its links, pins and gets work inside, rmdir
 * refuses a folder with entries, unlink refuses a folder.
 */
static void pin_dirs(int prog_fd)
{
	char dir[128], sub[160], pin[160], under[200];
	struct stat st;
	mode_t mask = umask(022);
	long got;

	umask(mask);
	snprintf(dir, sizeof(dir), "/sys/fs/bpf/bpftime_dir_%d", getpid());
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(pin, sizeof(pin), "%s/prog", dir);
	EXPECT_CALL("mkdir", 0, 0, mkdir(dir, 0750));
	EXPECT_CALL("mkdir.again", -1, EEXIST, mkdir(dir, 0700));
	EXPECT_CALL("mkdir.the_mount", -1, EEXIST, mkdir("/sys/fs/bpf", 0700));
	EXPECT_CALL("mkdir.stat", 0, 0, stat(dir, &st));
	expect_long("mkdir.stat.is_dir", 1, S_ISDIR(st.st_mode));
	expect_long("mkdir.stat.perm", 0750 & ~mask, st.st_mode & 07777);
	expect_long("mkdir.stat.nlink", 2, (long)st.st_nlink);
	EXPECT_CALL("mkdir.sub", 0, 0, mkdir(sub, 0700));
	EXPECT_CALL("mkdir.stat_after_sub", 0, 0, stat(dir, &st));
	expect_long("mkdir.stat_after_sub.nlink", 3, (long)st.st_nlink);
	EXPECT_CALL("mkdir.pin_inside", 0, 0, obj_pin(prog_fd, pin, 0));
	got = obj_get(pin, 0, 0);
	expect_long("mkdir.get_inside", 1, got >= 0);
	if (got >= 0)
		close((int)got);
	list_folder(dir, pin);
	EXPECT_CALL("mkdir.get_the_folder", -1, EACCES, obj_get(dir, 0, 0));
	EXPECT_CALL("mkdir.pin_on_the_folder", -1, EEXIST, obj_pin(prog_fd, dir, 0));
	snprintf(under, sizeof(under), "%s/x", pin);
	EXPECT_CALL("mkdir.under_a_pin", -1, ENOTDIR, mkdir(under, 0700));
	snprintf(under, sizeof(under), "%s/missing/x", dir);
	EXPECT_CALL("mkdir.missing_parent", -1, ENOENT, mkdir(under, 0700));
	EXPECT_CALL("rmdir.not_empty", -1, ENOTEMPTY, rmdir(dir));
	EXPECT_CALL("unlink.a_folder", -1, EISDIR, unlink(sub));
	EXPECT_CALL("rmdir.sub", 0, 0, rmdir(sub));
	EXPECT_CALL("unlink.pin_inside", 0, 0, unlink(pin));
	EXPECT_CALL("rmdir.emptied", 0, 0, rmdir(dir));
	EXPECT_CALL("rmdir.stat_after", -1, ENOENT, stat(dir, &st));
}

static void pin_stats(const char *path, const char *other)
{
	struct stat st, again, root, second;
	struct statx stx;
	struct statfs sfs;
	char sub[160], names_buf[64];
	mode_t mask = umask(022);

	umask(mask);
	EXPECT_CALL("stat.root", 0, 0, stat("/sys/fs/bpf", &root));
	expect_long("stat.root.is_dir", 1, S_ISDIR(root.st_mode));
	observe("stat.root.mode", "%o", (unsigned)root.st_mode);
	/* 2 and one per folder in it: the host's mount may hold other tests' folders meanwhile */
	expect_long("stat.root.nlink_at_least_2", 1, root.st_nlink >= 2);
	expect_long("stat.root.ino", 1, (long)root.st_ino);
	expect_long("stat.root.uid_is_ours", 1, root.st_uid == geteuid());
	EXPECT_CALL("statfs.root", 0, 0, statfs("/sys/fs/bpf", &sfs));
	expect_long("statfs.root.type", BPF_FS_MAGIC_VALUE, (long)(unsigned)sfs.f_type);
	expect_long("statfs.root.bsize", page_size(), (long)sfs.f_bsize);
	expect_long("statfs.root.namelen", 255, (long)sfs.f_namelen);
	EXPECT_CALL("statfs.pin", 0, 0, statfs(path, &sfs));
	expect_long("statfs.pin.type", BPF_FS_MAGIC_VALUE, (long)(unsigned)sfs.f_type);

	EXPECT_CALL("stat.pin", 0, 0, stat(path, &st));
	expect_long("stat.pin.is_reg", 1, S_ISREG(st.st_mode));
	expect_long("stat.pin.perm", 0600 & ~mask, st.st_mode & 07777);
	expect_long("stat.pin.nlink", 1, (long)st.st_nlink);
	expect_long("stat.pin.size", 0, (long)st.st_size);
	expect_long("stat.pin.blocks", 0, (long)st.st_blocks);
	expect_long("stat.pin.blksize", page_size(), (long)st.st_blksize);
	expect_long("stat.pin.uid_is_ours", 1, st.st_uid == geteuid());
	expect_long("stat.pin.gid_is_ours", 1, st.st_gid == getegid());
	expect_long("stat.pin.same_dev_as_root", 1, st.st_dev == root.st_dev);
	expect_long("stat.pin.mtime_recent", 1, labs((long)(time(NULL) - st.st_mtime)) < 600);
	EXPECT_CALL("stat.pin.again", 0, 0, stat(path, &again));
	expect_long("stat.pin.ino_stable", 1, again.st_ino == st.st_ino && st.st_ino != root.st_ino);
	EXPECT_CALL("lstat.pin", 0, 0, lstat(path, &again));
	expect_long("lstat.pin.same", 1, again.st_ino == st.st_ino && again.st_mode == st.st_mode);
	EXPECT_CALL("fstatat.pin", 0, 0, fstatat(AT_FDCWD, path, &again, AT_SYMLINK_NOFOLLOW));
	expect_long("fstatat.pin.same", 1, again.st_ino == st.st_ino && again.st_mode == st.st_mode);
	EXPECT_CALL("stat.other_pin", 0, 0, stat(other, &second));
	expect_long("stat.other_pin.own_ino", 1, second.st_ino != st.st_ino);
	EXPECT_CALL("statx.pin", 0, 0, statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx));
	expect_long("statx.pin.basic_stats", 1, (stx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
	expect_long("statx.pin.same", 1, stx.stx_ino == st.st_ino && stx.stx_mode == st.st_mode && stx.stx_nlink == 1);
	EXPECT_CALL("statx.root", 0, 0, statx(AT_FDCWD, "/sys/fs/bpf", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx));
	expect_long("statx.root.is_dir", 1, S_ISDIR(stx.stx_mode));

	/* "..": the folder above the mount, /sys/fs (ls -la lstat's it) */
	{
		struct stat up, fs_dir;
		EXPECT_CALL("stat.dotdot", 0, 0, lstat("/sys/fs/bpf/..", &up));
		stat("/sys/fs", &fs_dir);
		expect_long("stat.dotdot.is_sys_fs", 1, up.st_ino == fs_dir.st_ino && up.st_dev == fs_dir.st_dev);
		EXPECT_CALL("stat.dot", 0, 0, stat("/sys/fs/bpf/./", &up));
		expect_long("stat.dot.is_root", 1, up.st_ino == root.st_ino);
	}

	/* bpffs has no xattr handlers: what ls -l asks (security.selinux, the ACLs) is EOPNOTSUPP */
	EXPECT_CALL("xattr.pin.selinux", -1, EOPNOTSUPP, lgetxattr(path, "security.selinux", sub, sizeof(sub)));
	EXPECT_CALL("xattr.root.acl", -1, EOPNOTSUPP,
		   getxattr("/sys/fs/bpf", "system.posix_acl_access", sub, sizeof(sub)));
	EXPECT_CALL("xattr.pin.list", 0, 0, llistxattr(path, sub, sizeof(sub)));

	snprintf(sub, sizeof(sub), "%s_missing", path);
	EXPECT_CALL("xattr.missing", -1, ENOENT, lgetxattr(sub, "security.selinux", names_buf, sizeof(names_buf)));
	EXPECT_CALL("stat.missing", -1, ENOENT, stat(sub, &again));
	EXPECT_CALL("lstat.missing", -1, ENOENT, lstat(sub, &again));
	EXPECT_CALL("statfs.missing", -1, ENOENT, statfs(sub, &sfs));
	EXPECT_CALL("statx.missing", -1, ENOENT, statx(AT_FDCWD, sub, 0, STATX_BASIC_STATS, &stx));
	snprintf(sub, sizeof(sub), "%s/x", path);
	EXPECT_CALL("stat.under_a_pin", -1, ENOTDIR, stat(sub, &again));
	snprintf(sub, sizeof(sub), "%s/", path);
	EXPECT_CALL("stat.pin_with_slash", -1, ENOTDIR, stat(sub, &again));
}

static long obj_pin(int fd, const char *path, unsigned flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uintptr_t)path;
	attr.bpf_fd = fd;
	attr.file_flags = flags;
	return sys_bpf(BPF_OBJ_PIN, &attr, sizeof(attr));
}

static long obj_get(const char *path, unsigned flags, int bpf_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uintptr_t)path;
	attr.bpf_fd = bpf_fd;
	attr.file_flags = flags;
	return sys_bpf(BPF_OBJ_GET, &attr, sizeof(attr));
}

static void child_pins(const char *path)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		long fd = load_prog(prog_ret0, 2, "pinned_by_child", NULL);
		_exit(fd >= 0 && obj_pin((int)fd, path, 0) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	expect_long("pin.child_pinned", 1, WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int cases_pin(void)
{
	char path[128], other[128], child[128], deep[160], outside[128];
	unsigned char blob[256];
	long fd, r, got, btf;
	int pipefd[2], id;
	struct bpf_prog_info info;
	union bpf_attr attr;

	snprintf(path, sizeof(path), "/sys/fs/bpf/bpftime_case_%d", getpid());
	snprintf(other, sizeof(other), "/sys/fs/bpf/bpftime_case_%d_other", getpid());
	snprintf(child, sizeof(child), "/sys/fs/bpf/bpftime_case_%d_child", getpid());
	snprintf(deep, sizeof(deep), "/sys/fs/bpf/bpftime_nodir_%d/x", getpid());
	snprintf(outside, sizeof(outside), "/tmp/bpftime_case_pin_%d", getpid());

	fd = load_prog(prog_ret0, 2, "pin_me", NULL);
	expect_ret("pin.load", 3, 0, fd, errno);
	id = prog_id_of((int)fd);

	r = obj_pin((int)fd, path, 0);
	expect_ret("pin.prog", 0, 0, r, errno);
	r = obj_pin((int)fd, path, 0);
	expect_ret("pin.again_same_path", -1, EEXIST, r, errno);
	r = obj_pin((int)fd, "/sys/fs/bpf", 0);
	expect_ret("pin.on_the_mount", -1, EEXIST, r, errno);
	r = obj_pin((int)fd, other, 1);
	expect_ret("pin.file_flags", -1, EINVAL, r, errno);
	r = obj_pin(999, other, 0);
	expect_ret("pin.bad_fd", -1, EINVAL, r, errno);
	pipe(pipefd);
	r = obj_pin(pipefd[0], other, 0);
	expect_ret("pin.pipe_fd", -1, EINVAL, r, errno);
	close(pipefd[0]);
	close(pipefd[1]);
	btf = load_btf(blob, btf_blob(blob, sizeof(blob)), NULL, 0, 0, NULL);
	expect_ret("pin.btf.load", 4, 0, btf, errno);
	r = obj_pin((int)btf, other, 0);
	expect_ret("pin.btf_fd", -1, EINVAL, r, errno);
	close((int)btf);
	r = obj_pin((int)fd, outside, 0);
	expect_ret("pin.outside_bpffs", -1, EPERM, r, errno);
	r = obj_pin((int)fd, "/nonexistent_bpftime_dir/x", 0);
	expect_ret("pin.no_such_dir", -1, ENOENT, r, errno);
	r = obj_pin((int)fd, deep, 0);
	expect_ret("pin.no_such_dir_in_bpffs", -1, ENOENT, r, errno);
	snprintf(deep, sizeof(deep), "%s/x", path);
	r = obj_pin((int)fd, deep, 0);
	expect_ret("pin.under_a_pin", -1, ENOTDIR, r, errno);
	r = obj_pin((int)fd, "", 0);
	expect_ret("pin.empty_path", -1, ENOENT, r, errno);
	r = obj_pin((int)fd, NULL, 0);
	expect_ret("pin.null_path", -1, EFAULT, r, errno);

	got = obj_get(path, 0, 0);
	expect_ret("get.prog", 4, 0, got, errno);
	expect_long("get.same_prog", 1, id == prog_id_of((int)got));
	close((int)got);
	got = obj_get(path, BPF_F_RDONLY, 0);
	expect_ret("get.rdonly", 4, 0, got, errno);
	close((int)got);
	got = obj_get(path, BPF_F_WRONLY, 0);
	expect_ret("get.wronly", 4, 0, got, errno);
	close((int)got);
	r = obj_get(path, BPF_F_RDONLY | BPF_F_WRONLY, 0);
	expect_ret("get.rdonly_and_wronly", -1, EINVAL, r, errno);
	r = obj_get(path, 1, 0);
	expect_ret("get.unknown_flag", -1, EINVAL, r, errno);
	r = obj_get(path, 0, (int)fd);
	expect_ret("get.bpf_fd_set", -1, EINVAL, r, errno);
	r = obj_get(other, 0, 0);
	expect_ret("get.nothing_pinned", -1, ENOENT, r, errno);
	r = obj_get("/sys/fs/bpf", 0, 0);
	expect_ret("get.the_mount", -1, EACCES, r, errno);
	r = obj_get("/etc/passwd", 0, 0);
	expect_ret("get.regular_file", -1, EACCES, r, errno);
	r = obj_get(outside, 0, 0);
	expect_ret("get.outside_missing", -1, ENOENT, r, errno);
	r = obj_get("", 0, 0);
	expect_ret("get.empty_path", -1, ENOENT, r, errno);
	r = obj_get(NULL, 0, 0);
	expect_ret("get.null_path", -1, EFAULT, r, errno);

	/* the pin holds the program after its last descriptor is closed */
	close((int)fd);
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	r = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
	expect_ret("pin.holds_after_close", 3, 0, r, errno);
	if (r >= 0)
		close((int)r);

	/* a pin outlives the process that made it */
	child_pins(child);
	got = obj_get(child, 0, 0);
	expect_ret("get.child_pin", 3, 0, got, errno);
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (int)got;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
	expect_str("get.child_pin.name", "pinned_by_child", info.name);
	close((int)got);

	pin_stats(path, child);
	got = obj_get(child, 0, 0);
	pin_dirs((int)got);
	close((int)got);
	unlink(path);
	unlink(child);
	{
		struct stat gone;
		EXPECT_CALL("stat.after_unlink", -1, ENOENT, stat(path, &gone));
	}
	return 0;
}
