/*
 * close(), close_range(), dup2() and dup3() over link and perf event fds. The kernel detaches a link
 * or a perf event's program when the last file reference goes (bpf_link_put -> bpf_link_free ->
 * ops->release; perf_event_release_kernel -> perf_event_free_bpf_prog), which for a close() in
 * the owning task happens before close() returns (fput's task_work runs on the way back to user
 * space). Our descriptors are sockets whose last close the service sees as a hang-up, later; so
 * after a close of one the shim asks the service (WIRE_CLOSED) to reap the hang-ups and bring the
 * agents up to date before the app goes on, as LINK_DETACH does. A dup or a forked child's copy keeps
 * the socket, hence the object, alive, as the kernel's file reference does.
 *
 * A process that never received a link or perf event pays nothing; one that did pays an fstat per
 * close to recognise ours, and a round trip only for the close of one of ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

/* Whether fd is one of our links or perf events; its kind and id then. */
static int detachable(int fd, uint32_t *kind, uint32_t *id)
{
	int saved;

	if (fd < 0 || !shim_fdtable_any_detachable())
		return 0;
	saved = errno;
	int ours = shim_fdtable_lookup(fd, kind, id) && (*kind == WIRE_OBJ_LINK || *kind == WIRE_OBJ_PERF_EVENT);
	errno = saved;
	return ours;
}

SHIM_EXPORT int close(int fd)
{
	static int (*next)(int);
	uint32_t kind, id;
	int ours, r;

	if (!__atomic_load_n(&next, __ATOMIC_ACQUIRE))
		__atomic_store_n(&next, (int (*)(int))shim_next("close"), __ATOMIC_RELEASE);
	if (!next) {
		errno = ENOSYS;
		return -1;
	}
	ours = detachable(fd, &kind, &id);
	r = next(fd);
	/* close() releases the descriptor even when it reports EINTR or EIO (close(2)). */
	if (ours && (r == 0 || errno == EINTR || errno == EIO))
		shim_notify_closed(kind, id);
	return r;
}

SHIM_EXPORT int dup2(int old, int new)
{
	static int (*next)(int, int);
	uint32_t kind, id;
	int ours, r;

	if (!__atomic_load_n(&next, __ATOMIC_ACQUIRE))
		__atomic_store_n(&next, (int (*)(int, int))shim_next("dup2"), __ATOMIC_RELEASE);
	if (!next) {
		errno = ENOSYS;
		return -1;
	}
	ours = old != new && detachable(new, &kind, &id);
	r = next(old, new);
	if (ours && r >= 0)
		shim_notify_closed(kind, id);
	return r;
}

SHIM_EXPORT int dup3(int old, int new, int flags)
{
	static int (*next)(int, int, int);
	uint32_t kind, id;
	int ours, r;

	if (!__atomic_load_n(&next, __ATOMIC_ACQUIRE))
		__atomic_store_n(&next, (int (*)(int, int, int))shim_next("dup3"), __ATOMIC_RELEASE);
	if (!next) {
		errno = ENOSYS;
		return -1;
	}
	ours = old != new && detachable(new, &kind, &id);
	r = next(old, new, flags);
	if (ours && r >= 0)
		shim_notify_closed(kind, id);
	return r;
}

/* CLOSE_RANGE_CLOEXEC of include/uapi/linux/close_range.h: marks instead of closing. */
#define SHIM_CLOSE_RANGE_CLOEXEC (1U << 2)

/* A range may hold any number of descriptors: rather than look at each, one request after it reaps
 * every hang-up it made (the service knows which sockets went). */
long shim_close_range(unsigned first, unsigned last, int flags)
{
	long r = shim_real_syscall(SYS_close_range, first, last, flags, 0, 0, 0);

	if (r == 0 && !(flags & SHIM_CLOSE_RANGE_CLOEXEC) && shim_fdtable_any_detachable())
		shim_notify_closed(0, 0);
	return r;
}

SHIM_EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	return (int)shim_close_range(first, last, flags);
}

/* glibc's closefrom() calls its close_range internally, past our symbol. */
SHIM_EXPORT void closefrom(int lowfd)
{
	static void (*next)(int);

	if (!__atomic_load_n(&next, __ATOMIC_ACQUIRE))
		__atomic_store_n(&next, (void (*)(int))shim_next("closefrom"), __ATOMIC_RELEASE);
	if (next)
		next(lowfd);
	else
		shim_close_range((unsigned)lowfd, ~0U, 0);
	if (next && shim_fdtable_any_detachable())
		shim_notify_closed(0, 0);
}
