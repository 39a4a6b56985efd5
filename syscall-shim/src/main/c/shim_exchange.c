/*
 * One request out, one reply in, on the service socket. A reply may carry one file descriptor
 * (SCM_RIGHTS): the emulated object's fd, received close-on-exec because the kernel's bpf fds are
 * O_CLOEXEC (kernel/bpf/syscall.c, bpf_map_new_fd and bpf_prog_new_fd).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

int shim_send_request(int sock, const struct wire_request *req, const void *payload, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)req, .iov_len = sizeof(*req) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	do {
		/* MSG_NOSIGNAL: a dead service must not kill the app with SIGPIPE. */
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(*req) + len ? 0 : -EPROTO;
}

/* How long a caller polls for its reply before sleeping in recvmsg. A service answers a map command
 * in a few microseconds; a sleeping caller must be woken by it, and on a virtual machine whose other
 * CPU idles that wake-up (an inter-processor interrupt through the hypervisor) costs tens of
 * microseconds, more than the whole call. */
#define REPLY_SPIN_NS 30000

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int shim_receive_reply(int sock, struct shim_reply *reply)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = reply->buf, .iov_len = sizeof(reply->buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	reply->fd = -1;
	reply->fd_truncated = 0;
	long long spin_end = now_ns() + REPLY_SPIN_NS;
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	} while (n < 0 && (errno == EAGAIN || errno == EINTR) && now_ns() < spin_end);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		do {
			/* The request is already with the service: a signal must not lose its reply. */
			n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
		} while (n < 0 && errno == EINTR);
	}
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ECONNRESET;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&reply->fd, CMSG_DATA(c), sizeof(int));
	}
	/* The kernel drops passed descriptors it cannot install (RLIMIT_NOFILE) and says so. */
	reply->fd_truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
	reply->len = (size_t)n;
	if (msg.msg_flags & MSG_TRUNC) {
		if (reply->fd >= 0)
			close(reply->fd);
		reply->fd = -1;
		return -EPROTO;
	}
	return 0;
}
