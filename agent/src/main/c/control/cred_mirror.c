/*
 * The control thread keeps the credentials of the application thread that last changed its own.
 *
 * Capabilities, securebits (KEEPCAPS among them), the bounding and the ambient sets are per thread
 * in Linux; uids, gids and groups are per thread too, but glibc makes every set*id call change all
 * its threads at once: the caller signals each thread (SIGSETXID), each makes the same system call,
 * and glibc aborts when their results differ (nptl/nptl_setxid.c, __nptl_setxid_error). setpriv
 * does PR_SET_KEEPCAPS, setresuid, capset in its one thread, then setresgid: without this file the
 * control thread, which never kept its capabilities, fails the setresgid the main thread may make,
 * and the process aborts. So each successful per-thread change an application thread makes through
 * capset, prctl or syscall is made again by the control thread before the call returns; the
 * broadcast then finds the same credentials in every thread and gets the same result everywhere, as
 * without the agent. A vfork child, whose changes die with its exec, mirrors nothing.
 *
 * Not seen: a change made with an inline system call instruction, and a seccomp filter installed on
 * one thread (mirroring a filter could kill the control thread; a filter that makes a set*id call
 * fail in the caller only still makes glibc abort under the agent).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "control.h"

typedef int (*capset_fn)(void *header, const void *data);
typedef int (*prctl_fn)(int option, ...);
typedef long (*syscall_fn)(long nr, ...);

static capset_fn next_capset;
static prctl_fn next_prctl;
static syscall_fn next_syscall;

/* From the constructor: dlsym is not async-signal-safe, and syscall() is called in signal handlers. */
void cred_mirror_init(void)
{
	if (!next_capset)
		next_capset = (capset_fn)dlsym(RTLD_NEXT, "capset");
	if (!next_prctl)
		next_prctl = (prctl_fn)dlsym(RTLD_NEXT, "prctl");
	if (!next_syscall)
		next_syscall = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
}

static long raw(long nr, long a, long b, long c, long d, long e)
{
	return next_syscall ? next_syscall(nr, a, b, c, d, e) : (errno = ENOSYS, -1);
}

/* The prctl options that change the calling thread's capability state (prctl(2)). */
static int per_thread_capability_option(long option, long arg2)
{
	switch (option) {
	case PR_SET_KEEPCAPS:
	case PR_SET_SECUREBITS:
	case PR_CAPBSET_DROP:
		return 1;
	case PR_CAP_AMBIENT:
		return arg2 == PR_CAP_AMBIENT_RAISE || arg2 == PR_CAP_AMBIENT_LOWER || arg2 == PR_CAP_AMBIENT_CLEAR_ALL;
	default:
		return 0;
	}
}

static void mirror(struct control_request *r)
{
	int err = control_request(r);

	if (err == -ESRCH)
		return; /* no control thread (yet), or we are it */
	if (err || r->result < 0)
		agent_log("the control thread could not follow a credential change (%s %ld): %s",
			  r->args[0] == SYS_capset ? "capset" : "prctl", r->args[1],
			  strerror(err ? -err : (int)-r->result));
}

static void mirror_prctl(long option, long a2, long a3, long a4, long a5)
{
	struct control_request r = { .kind = CONTROL_REQUEST_CREDENTIALS, .args = { SYS_prctl, option, a2, a3, a4, a5 } };
	mirror(&r);
}

/* The header and data capset took (linux/capability.h): version 1 has one data word set, 2 and 3 two. */
struct cap_header {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};
#define CAP_VERSION_1 0x19980330u

static void mirror_capset(const void *header, const void *data)
{
	struct control_request r = { .kind = CONTROL_REQUEST_CREDENTIALS, .args = { SYS_capset } };
	const struct cap_header *h = header;
	size_t words = h->version == CAP_VERSION_1 ? 1 : 2;

	_Static_assert(sizeof(r.capability_data) >= 2 * sizeof(struct cap_data), "capset data");
	r.capability_version = h->version;
	memcpy(r.capability_data, data, words * sizeof(struct cap_data));
	mirror(&r);
}

/* On the control thread. */
long cred_mirror_apply(const struct control_request *r)
{
	long rc;

	if (r->args[0] == SYS_capset) {
		struct cap_header h = { r->capability_version, 0 };
		rc = next_capset ? next_capset(&h, r->capability_data) : raw(SYS_capset, (long)&h, (long)r->capability_data, 0, 0, 0);
	} else {
		rc = next_prctl ? next_prctl((int)r->args[1], r->args[2], r->args[3], r->args[4], r->args[5])
				: raw(SYS_prctl, r->args[1], r->args[2], r->args[3], r->args[4], r->args[5]);
	}
	return rc < 0 ? -errno : 0;
}

__attribute__((visibility("default"))) int capset(void *header, const void *data)
{
	if (!next_capset)
		cred_mirror_init();
	int rc = next_capset ? next_capset(header, data) : (int)raw(SYS_capset, (long)header, (long)data, 0, 0, 0);
	if (rc == 0)
		mirror_capset(header, data);
	return rc;
}

__attribute__((visibility("default"))) int prctl(int option, ...)
{
	va_list ap;
	long a[4];

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!next_prctl)
		cred_mirror_init();
	int rc = next_prctl ? next_prctl(option, a[0], a[1], a[2], a[3]) : (int)raw(SYS_prctl, option, a[0], a[1], a[2], a[3]);
	if (rc >= 0 && per_thread_capability_option(option, a[0]))
		mirror_prctl(option, a[0], a[1], a[2], a[3]);
	return rc;
}

/* libcap's cap_set_proc and others reach capset and prctl through syscall(). */
__attribute__((visibility("default"))) long syscall(long nr, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!next_syscall)
		cred_mirror_init();
	if (!next_syscall) {
		errno = ENOSYS;
		return -1;
	}
	long rc = next_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (rc >= 0 && nr == SYS_capset)
		mirror_capset((const void *)a[0], (const void *)a[1]);
	else if (rc >= 0 && nr == SYS_prctl && per_thread_capability_option(a[0], a[1]))
		mirror_prctl(a[0], a[1], a[2], a[3], a[4]);
	return rc;
}
