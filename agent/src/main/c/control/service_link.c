/*
 * The agent's connection to this user's service: the shim's runtime directory rule and peer check
 * (native-support's service_socket.h; docs/PROTOCOL.md, "Where the service listens"), a hello of kind
 * AGENT_HELLO, then messages that carry descriptors. The agent never starts a service: it waits for
 * one (control_thread.c), so it never creates the directory either.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control.h"
#include "service_socket.h"

int agent_runtime_dir(char *out)
{
	int err = runtime_dir_path(out, geteuid());

	return err ? err : runtime_dir_private(out, geteuid());
}

static int hello(int fd)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct agent_request req = {
		.magic = AGENT_REQ_MAGIC, .version = AGENT_REQ_VERSION, .kind = AGENT_KIND_HELLO,
		.pid = (uint32_t)getpid(), .tid = (uint32_t)gettid(),
	};
	struct agent_reply reply;
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	if (len < 0)
		len = 0;
	req.payload_len = (uint32_t)len;
	iov[0] = (struct iovec){ &req, sizeof(req) };
	iov[1] = (struct iovec){ exe, (size_t)len };
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		return -errno;
	do
		n = recv(fd, &reply, sizeof(reply), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n < (ssize_t)sizeof(reply) || reply.magic != AGENT_REQ_MAGIC || reply.version != AGENT_REQ_VERSION)
		return -EPROTO;
	return reply.result < 0 ? (int)reply.result : 0;
}

static void close_fds(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

int service_connect(const char *runtime_dir)
{
	struct ucred peer;
	int fd = service_socket_connect(runtime_dir, &peer), err;

	if (fd == -EPERM)
		agent_log("refusing the service at %s/%s: it runs as uid %u, not as our uid %u", runtime_dir,
			  SERVICE_SOCKET_NAME, (unsigned)peer.uid, (unsigned)geteuid());
	if (fd < 0)
		return fd;
	fd = agent_fd_high(fd);
	err = hello(fd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static int receive_one(int fd, struct agent_msg *m, uint8_t *buf, size_t cap, int fds[2])
{
	union {
		char space[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} control;
	uint8_t none;
	struct iovec iov[2] = { { m, sizeof(*m) }, { cap ? buf : &none, cap ? cap : 1 } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = &control, .msg_controllen = sizeof(control) };
	struct cmsghdr *c;
	ssize_t n;
	int got = 0;

	fds[0] = fds[1] = -1;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < count; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (got < 2)
				fds[got++] = agent_fd_high(f);
			else
				close(f);
		}
	}
	if ((mh.msg_flags & MSG_TRUNC) || n < (ssize_t)sizeof(*m) || m->magic != AGENT_MSG_MAGIC ||
	    m->version != AGENT_MSG_VERSION || m->payload_len != (size_t)n - sizeof(*m)) {
		agent_log("bad message from the service: %zd bytes, magic %#x version %u%s", n, m->magic, m->version,
			  (mh.msg_flags & MSG_TRUNC) ? " (truncated)" : "");
		close_fds(fds);
		return -EPROTO;
	}
	return 0;
}

/* A PAYLOAD message's memfd, read whole into buf. */
static int read_payload(const struct agent_msg *m, int fds[2], uint8_t *buf, size_t cap)
{
	uint64_t len = m->a[0], done = 0;
	int err = 0;

	if (fds[0] < 0 || len > cap)
		err = -EMSGSIZE;
	while (!err && done < len) {
		ssize_t n = pread(fds[0], buf + done, len - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = n < 0 ? -errno : -EIO;
		else
			done += (uint64_t)n;
	}
	close_fds(fds);
	if (err)
		agent_log("a payload of %llu bytes from the service (room for %zu): %s", (unsigned long long)len, cap,
			  strerror(-err));
	else
		agent_log("a payload of %llu bytes came in a memfd", (unsigned long long)len);
	return err;
}

int service_receive(int fd, struct agent_msg *m, uint8_t *buf, size_t cap, int fds[2])
{
	size_t outside = 0; /* the payload a PAYLOAD message brought */
	int err;

	for (;;) {
		err = receive_one(fd, m, buf, outside ? 0 : cap, fds);
		if (err)
			return err;
		if (m->type != AGENT_MSG_PAYLOAD) {
			if (outside && m->payload_len) {
				close_fds(fds);
				return -EPROTO;
			}
			if (outside)
				m->payload_len = (uint32_t)outside;
			return 0;
		}
		if (outside) {
			close_fds(fds);
			return -EPROTO;
		}
		if ((err = read_payload(m, fds, buf, cap)))
			return -EPROTO;
		outside = (size_t)m->a[0];
	}
}
