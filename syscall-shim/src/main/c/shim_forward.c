/*
 * Forwarding one bpf(2) call to the service. The shim knows nothing of union bpf_attr: it sends
 * the command, the attr's address and size, and the attr bytes themselves (at most one page, the
 * kernel's own limit: bpf_check_uarg_tail_zero refuses more with E2BIG), so the service needs no
 * extra round trip for the common case. The service reads whatever else the call points to
 * (keys, values, instructions, log buffers) from our memory itself, and returns the output fields
 * of the attr for us to copy back.
 *
 * Our memory is read and written with process_vm_readv/writev on ourselves, never dereferenced:
 * a bad attr pointer must give EFAULT, as the kernel gives, not a crash.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct shim_conn conn = { .fd = -1 };
static struct shim_reply reply;
/* The attr (at most a page). */
static unsigned char attr_copy[65536];
/* getpid() of the call in flight, taken once per call under the lock: a child made by a raw clone()
 * without our atfork handler must not read or write its parent's memory through a stale value. */
static pid_t self;
/* Set while this thread waits for or holds the lock: a close() the shim itself makes, or one in a signal
 * handler that interrupted this thread there, then must not ask again (it would wait for itself). */
static __thread int holding;

static void lock_calls(void)
{
	holding = 1;
	pthread_mutex_lock(&lock);
}

static void unlock_calls(void)
{
	pthread_mutex_unlock(&lock);
	holding = 0;
}

/* fork() in another thread waits for a call in flight, so the child never inherits a half-done
 * exchange; the child then forgets the parent's connection and makes its own on its first call. */
static void before_fork(void)
{
	lock_calls();
}

static void after_fork_parent(void)
{
	unlock_calls();
}

static void after_fork_child(void)
{
	self = getpid();
	shim_conn_forget_inherited(&conn);
	unlock_calls();
}

/* The calling thread's id, for the service's log: one gettid() per thread and process. */
static uint32_t thread_id(void)
{
	static __thread pid_t tid, tid_of;

	if (tid_of != self) {
		tid = gettid();
		tid_of = self;
	}
	return (uint32_t)tid;
}

__attribute__((constructor)) static void install_fork_handlers(void)
{
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

/* Copies up to len bytes from addr in our own memory; returns how many were readable. Split at page
 * boundaries so that a fault shows as a short count at the exact page where it happens. */
static size_t copy_in(void *dst, unsigned long addr, size_t len, long page)
{
	size_t done = 0;

	while (done < len) {
		unsigned long at = addr + done;
		size_t chunk = page - (at % page);
		struct iovec local, remote;
		ssize_t n;

		if (chunk > len - done)
			chunk = len - done;
		local.iov_base = (char *)dst + done;
		local.iov_len = chunk;
		remote.iov_base = (void *)at;
		remote.iov_len = chunk;
		n = process_vm_readv(self, &local, 1, &remote, 1, 0);
		if (n <= 0)
			break;
		done += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	return done;
}

static int copy_out(unsigned long addr, const void *src, size_t len)
{
	struct iovec local = { .iov_base = (void *)src, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)addr, .iov_len = len };

	return process_vm_writev(self, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/* Copies the output fields back into the caller's attr. */
static int apply_writebacks(unsigned long attr, const struct wire_reply *head)
{
	size_t at = sizeof(*head);

	for (uint32_t i = 0; i < head->writeback_count; i++) {
		struct wire_writeback wb;

		if (reply.len - at < sizeof(wb))
			return -EPROTO;
		memcpy(&wb, reply.buf + at, sizeof(wb));
		at += sizeof(wb);
		if (reply.len - at < wb.len)
			return -EPROTO;
		if (copy_out(attr + wb.offset, reply.buf + at, wb.len) != 0)
			return -EFAULT;
		at += wb.len;
	}
	return 0;
}

/* The reply's meaning for the app: a value, a received fd, or -errno; *passed set for WIRE_PASS when
 * the caller accepts it (passed not NULL). */
static long interpret(unsigned long attr, int *passed)
{
	struct wire_reply head;
	int err;

	if (reply.len < sizeof(head)) {
		shim_log("short reply from the service: %zu bytes vs expected at least %zu", reply.len, sizeof(head));
		goto protocol_error;
	}
	memcpy(&head, reply.buf, sizeof(head));
	if (passed && head.magic == WIRE_MAGIC && head.version == WIRE_VERSION && head.status == WIRE_PASS &&
	    reply.fd < 0) {
		*passed = 1;
		return 0;
	}
	if (head.magic != WIRE_MAGIC || head.version != WIRE_VERSION || head.status != WIRE_DONE) {
		shim_log("bad reply header: magic %#x version %u status %u", head.magic, head.version, head.status);
		goto protocol_error;
	}
	if (!(head.flags & WIRE_R_FD) && reply.fd >= 0) {
		shim_log("the service sent a descriptor with a reply that has none");
		goto protocol_error;
	}
	err = apply_writebacks(attr, &head);
	if (err == -EPROTO) {
		shim_log("malformed write-back records in a reply");
		goto protocol_error;
	}
	if (err) {
		/* As the kernel: a failed copy_to_user of an output field fails the call. Our copy of
		 * the new object's fd goes away with it, so the object is released too. */
		if (reply.fd >= 0)
			close(reply.fd);
		return err;
	}
	if (head.flags & WIRE_R_FD) {
		if (reply.fd < 0)
			return reply.fd_truncated ? -EMFILE : -EPROTO;
		shim_fdtable_add(reply.fd, head.object_kind, head.object_id);
		return reply.fd;
	}
	return head.result;

protocol_error:
	if (reply.fd >= 0)
		close(reply.fd);
	shim_conn_drop(&conn);
	return -EPERM;
}

static long exchange_locked(struct wire_request *req, size_t got, unsigned long attr, int *passed);

static long forward_locked(long cmd, unsigned long attr, unsigned long size)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t want = size < (unsigned long)page ? size : (size_t)page;
	size_t got = want ? copy_in(attr_copy, attr, want, page) : 0;
	struct wire_request req = {
		.magic = WIRE_MAGIC, .version = WIRE_VERSION, .kind = WIRE_BPF,
		.pid = (uint32_t)self, .tid = thread_id(),
		/* cmd is an int in the kernel's bpf(int cmd, union bpf_attr *attr, unsigned int size) */
		.args = { (uint64_t)(int)cmd, attr, (uint32_t)size },
	};

	req.payload_len = (uint32_t)got;
	return exchange_locked(&req, req.payload_len, attr, NULL);
}

/* Sends req with got bytes of attr_copy, waits for the reply and interprets it against attr. */
static long exchange_locked(struct wire_request *req, size_t got, unsigned long attr, int *passed)
{
	long cmd = req->kind == WIRE_BPF ? (long)req->args[0] : -(long)req->kind;
	int attempt, sock, err;

	for (attempt = 0; attempt < 2; attempt++) {
		sock = shim_conn_get_as(&conn, self);
		if (sock < 0)
			return sock;
		err = shim_send_request(sock, req, attr_copy, got);
		if (err == 0)
			break;
		/* Not delivered, so not acted on: safe to reconnect (the service may have been restarted) and
		 * send once more. */
		shim_log("sending bpf(%ld) to the service failed: %s", cmd, strerror(-err));
		shim_conn_drop(&conn);
	}
	if (attempt == 2)
		return -EPERM;
	err = shim_receive_reply(sock, &reply);
	if (err) {
		/* Delivered but unanswered: the service died or timed out mid-call. Fail closed. */
		shim_log("no reply from the service to bpf(%ld): %s", cmd, strerror(-err));
		shim_conn_drop(&conn);
		return -EPERM;
	}
	return interpret(attr, passed);
}

long shim_call(struct wire_request *req, long (*handle)(const struct shim_reply *reply, void *ctx), void *ctx)
{
	int saved = errno, attempt, sock = -1, err;
	long r;

	req->magic = WIRE_MAGIC;
	req->version = WIRE_VERSION;
	lock_calls();
	self = getpid();
	req->pid = (uint32_t)self;
	req->tid = thread_id();
	for (attempt = 0; attempt < 2; attempt++) {
		sock = shim_conn_get_as(&conn, self);
		if (sock < 0)
			break;
		err = shim_send_request(sock, req, NULL, 0);
		if (err == 0)
			break;
		shim_log("sending request kind %u to the service failed: %s", req->kind, strerror(-err));
		shim_conn_drop(&conn);
		sock = -EPERM;
	}
	if (sock < 0) {
		r = sock;
	} else if ((err = shim_receive_reply(sock, &reply)) != 0) {
		shim_log("no reply from the service to request kind %u: %s", req->kind, strerror(-err));
		shim_conn_drop(&conn);
		r = -EPERM;
	} else {
		r = handle(&reply, ctx);
	}
	unlock_calls();
	errno = saved;
	return r;
}

/* A system call's answer to the app: -1 with errno for a failure (-errno), else r with the app's errno
 * as it was before the call. */
static long syscall_result(long r, int saved)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	errno = saved;
	return r;
}

long shim_bpf(long cmd, unsigned long attr, unsigned long size)
{
	int saved = errno;
	long r;

	lock_calls();
	self = getpid();
	r = forward_locked(cmd, attr, size);
	unlock_calls();
	return syscall_result(r, saved);
}

long shim_forward_kind(uint16_t kind, const uint64_t args[6], unsigned long copy_from, unsigned long writeback_to,
	       int *passed)
{
	int saved = errno;
	long page = sysconf(_SC_PAGESIZE);
	struct wire_request req = {
		.magic = WIRE_MAGIC, .version = WIRE_VERSION, .kind = kind,
	};
	long r;

	memcpy(req.args, args, sizeof(req.args));
	if (passed)
		*passed = 0;
	lock_calls();
	self = getpid();
	req.pid = (uint32_t)self;
	req.tid = thread_id();
	req.payload_len = copy_from ? (uint32_t)copy_in(attr_copy, copy_from, (size_t)page, page) : 0;
	r = exchange_locked(&req, req.payload_len, writeback_to, passed);
	unlock_calls();
	return syscall_result(r, saved);
}

void shim_notify_closed(uint32_t kind, uint32_t id)
{
	struct wire_request req = { .kind = WIRE_CLOSED, .args = { kind, id } };
	int saved = errno, sock, err;

	if (holding)
		return;
	lock_calls();
	self = getpid();
	/* Only on a connection of this very process: a child that never called bpf() holds no conversation,
	 * and its close cannot be the last one of a descriptor its parent still holds. */
	if (conn.fd >= 0 && conn.owner == self && (sock = shim_conn_get_as(&conn, self)) >= 0) {
		req.magic = WIRE_MAGIC;
		req.version = WIRE_VERSION;
		req.pid = (uint32_t)self;
		req.tid = thread_id();
		err = shim_send_request(sock, &req, NULL, 0);
		if (err == 0)
			err = shim_receive_reply(sock, &reply);
		if (err) {
			/* The service is gone, and with it what the descriptor named. */
			shim_log("no answer to a close of %s %u: %s", kind == WIRE_OBJ_LINK ? "link" : "perf event", id,
				 strerror(-err));
			shim_conn_drop(&conn);
		}
	}
	unlock_calls();
	errno = saved;
}
