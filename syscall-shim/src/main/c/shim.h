/* Internal interfaces between the shim's files. Nothing here is exported from the library. */
#ifndef BPFTIME_SHIM_H
#define BPFTIME_SHIM_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define SHIM_EXPORT __attribute__((visibility("default")))

/* shim_interpose.c: the next syscall() in the lookup order (libc's), for everything not ours. */
long shim_real_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5);

/* shim_forward.c: one bpf(2) call answered by the service; the return value as the kernel's
 * (a value, or -1 with errno set). */
long shim_bpf(long cmd, unsigned long attr, unsigned long size);

/* shim_forward.c: one request of another kind (WIRE_FILES, WIRE_PERF_OPEN, WIRE_PERF_IOCTL). Sends
 * args and, when copy_from is not 0, the bytes readable there (at most a page); applies write-backs
 * at writeback_to. Returns as a syscall: the value or received fd, or -1 with errno set. When passed is
 * not NULL a WIRE_PASS answer sets *passed and returns 0. */
long shim_forward_kind(uint16_t kind, const uint64_t args[6], unsigned long copy_from, unsigned long writeback_to,
	       int *passed);

/* shim_procfd.c: open/fopen of /proc/self/fdinfo/N for one of our descriptors (a memfd with the
 * kernel's text), or SHIM_NOT_OURS for every other path. */
#define SHIM_NOT_OURS (-2)
int shim_fdinfo_open(const char *path, int flags);
FILE *shim_fdinfo_fopen(const char *path, const char *mode, int *ours);

/* shim_perf.c: perf_event_open(2) as the service answers it (or the kernel, for events not ours). */
long shim_perf_event_open(unsigned long attr, long pid, long cpu, long group_fd, unsigned long flags);

/* shim_runtime_dir.c: the per-user runtime directory, created 0700 and checked to be ours.
 * Returns 0 and fills out (PATH_MAX bytes), or -errno. */
int shim_runtime_dir(char *out);

/* shim_log.c: one line appended to <runtime dir>/shim.log; never to the app's stdout/stderr.
 * Keeps errno. */
void shim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* shim_connect.c: a connected, hello'd socket to the service of this user, started if absent.
 * Caller holds the forwarding lock. Returns the fd or -errno (the errno to give the app). */
struct shim_conn {
	int fd;          /* -1 when not connected */
	dev_t dev;       /* identity of our socket, to notice the app closing or reusing the number */
	ino_t ino;
	pid_t owner;     /* process that made the connection: a forked child must make its own */
	pid_t service;   /* service pid from SO_PEERCRED, for PR_SET_PTRACER */
};
int shim_conn_get(struct shim_conn *conn);
/* The same, for a caller that already knows getpid() (one getpid per forwarded call). */
int shim_conn_get_as(struct shim_conn *conn, pid_t self);
/* Forgets the connection after an I/O failure; closes the fd only if it is still ours. */
void shim_conn_drop(struct shim_conn *conn);
/* Called in the child after fork: the inherited socket belongs to the parent's conversation. */
void shim_conn_forget_inherited(struct shim_conn *conn);

/* shim_exchange.c: one request and its reply on a connected socket. */
struct wire_request;
struct shim_reply {
	unsigned char buf[65536 + 512];
	size_t len;
	int fd; /* received descriptor or -1 */
	int fd_truncated;
};
/* 0 when the whole request was sent (the service will act on it), else -errno and nothing was sent. */
int shim_send_request(int sock, const struct wire_request *req, const void *payload, size_t len);
int shim_receive_reply(int sock, struct shim_reply *reply);

/* shim_spawn.c: starts `<bpftime home>/bin/bpftime service` detached (double fork, setsid).
 * Returns 0 when the start was launched (service_pid set, or 0 if it died before exec), or -errno. */
int shim_spawn_service(const char *runtime_dir, pid_t *service_pid);

/* shim_fdtable.c: which descriptors are emulated objects, keyed by socket inode so that dup,
 * fork and fd reuse need no tracking. The seam for the later mmap/ioctl/epoll interposition. */
void shim_fdtable_add(int fd, uint32_t kind, uint32_t id);
int shim_fdtable_lookup(int fd, uint32_t *kind, uint32_t *id);

/* shim_forward.c: one request of another kind than bpf(2) (mmap, buffer fds), answered under the
 * forwarding lock: handle() reads the reply before the next call may reuse it. Returns handle()'s
 * value, or -errno when the service could not be asked. */
long shim_call(struct wire_request *req, long (*handle)(const struct shim_reply *reply, void *ctx), void *ctx);

/* shim_fdtable.c: whether any descriptor was ever received (a fast path for mmap and poll). */
int shim_fdtable_any(void);

/* shim_fdtable.c: whether a link or a perf event was ever received (close() checks only then). */
int shim_fdtable_any_detachable(void);

/* shim_forward.c: tells the service that this process closed its copy of a link or perf event fd
 * (WIRE_CLOSED), so that a last close detaches before close() returns. Only on this process's own
 * connection: nothing is sent when there is none (a vfork or fork child that never called bpf()),
 * and never from inside a forwarded call. Keeps errno. */
void shim_notify_closed(uint32_t kind, uint32_t id);

/* shim_pin.c: whether an absolute path names the emulated bpffs (/sys/fs/bpf or under it). */
int shim_in_bpffs(const char *path);
/* A path under /sys/fs/bpf with "." or ".." components or doubled slashes, folded (written into buf,
 * PATH_MAX bytes): "/sys/fs/bpf/.." is /sys/fs, for the host to answer. Any other path is returned. */
const char *shim_bpffs_fold(const char *path, char *buf);

/* shim_bpffs_stat.c: stat, statx and statfs of a path in the emulated bpffs, answered by the service;
 * SHIM_NOT_OURS for every other path (libc's call then), else 0 or -1 with errno set. */
struct stat;
struct statx;
struct statfs;
int shim_bpffs_stat(const char *path, struct stat *st);
int shim_bpffs_statx(const char *path, unsigned mask, struct statx *stx);
int shim_bpffs_statfs(const char *path, struct statfs *sfs);
/* The service's mirror of a bpffs folder (written into buf, PATH_MAX bytes) for opendir and O_DIRECTORY
 * opens, or path itself for any other path. */
const char *shim_bpffs_listing(const char *path, char *buf);
/* For a call relative to dirfd (unlinkat, mkdirat, fstatat, statx): the bpffs path it names when dirfd is
 * a mirror folder this process opened (written into buf), else NULL. */
const char *shim_bpffs_at(int dirfd, const char *path, char *buf);

/* shim_close.c: close_range(2) as libc's, then the service told when a link or perf event may have gone. */
long shim_close_range(unsigned first, unsigned last, int flags);
/* shim_ring.c: the ring (or perf) buffer behind an object fd, opened in this process from its memfd and eventfd
 * (maps module), or NULL when fd is not a ring of ours. */
struct bpftime_map;
struct shim_ring {
	uint32_t id;
	uint32_t kind; /* enum wire_object_kind: ids are per kind */
	struct bpftime_map *map;
	int eventfd;
};
struct shim_ring *shim_ring_of(int fd);

/* Real libc functions behind the ones we interpose. */
void *shim_next(const char *name);

/* Milliseconds from an environment variable, else the default. */
long shim_env_ms(const char *name, long fallback);

#endif
