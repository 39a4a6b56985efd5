/*
 * The connection to this user's service: connect to <runtime dir>/service.sock, check that the
 * peer runs as our user (SO_PEERCRED), say hello (the service proves it can read our memory), and
 * start the service when none is listening. One connection per process; a forked child makes its
 * own, since the parent's socket carries the parent's conversation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fd_high.h"
#include "service_socket.h"
#include "shim.h"
#include "shim_wire.h"

#define START_TIMEOUT_MS 30000
#define REPLY_TIMEOUT_MS 120000

/* What the service must read back from our memory to prove process_vm_readv works on us. */
static unsigned char hello_cookie[16];

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static int connect_socket(const char *dir, struct shim_conn *conn)
{
	struct ucred cred;
	struct timeval tv;
	long timeout = shim_env_ms("BPFTIME_REPLY_TIMEOUT_MS", REPLY_TIMEOUT_MS);
	struct stat st;
	int fd = service_socket_connect(dir, &cred), high, err;

	if (fd == -EPERM)
		shim_log("refusing the service at %s/%s: it runs as uid %u, not as our uid %u", dir, SERVICE_SOCKET_NAME,
			 (unsigned)cred.uid, (unsigned)geteuid());
	if (fd < 0)
		return fd;
	tv.tv_sec = timeout / 1000;
	tv.tv_usec = (timeout % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* far above the app's descriptors (fd_high.h); where no number is free up there, it stays */
	high = fd_move_high(fd, 64);
	if (high >= 0)
		fd = high;
	if (fstat(fd, &st) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	conn->fd = fd;
	conn->dev = st.st_dev;
	conn->ino = st.st_ino;
	conn->owner = getpid();
	conn->service = cred.pid;
	return 0;
}

static void fill_cookie(void)
{
	static int done;
	if (done)
		return;
	if (getrandom(hello_cookie, sizeof(hello_cookie), GRND_NONBLOCK) != (ssize_t)sizeof(hello_cookie)) {
		long mix[2] = { now_ms() ^ (long)getpid(), (long)(uintptr_t)&mix };
		memcpy(hello_cookie, mix, sizeof(hello_cookie));
	}
	done = 1;
}

static int hello_once(struct shim_conn *conn, uint32_t flags, int *need_ptracer)
{
	struct wire_request req = {
		.magic = WIRE_MAGIC, .version = WIRE_VERSION, .kind = WIRE_HELLO,
		.pid = (uint32_t)getpid(), .tid = (uint32_t)gettid(), .flags = flags,
		.payload_len = sizeof(hello_cookie),
		.args = { (uint64_t)(uintptr_t)hello_cookie, sizeof(hello_cookie) },
	};
	static struct shim_reply reply; /* large; the forwarding lock serialises its use */
	struct wire_reply head;
	int err;

	err = shim_send_request(conn->fd, &req, hello_cookie, sizeof(hello_cookie));
	if (!err)
		err = shim_receive_reply(conn->fd, &reply);
	if (err)
		return err;
	if (reply.fd >= 0)
		close(reply.fd);
	if (reply.len < sizeof(head))
		return -EPROTO;
	memcpy(&head, reply.buf, sizeof(head));
	if (head.magic != WIRE_MAGIC || head.version != WIRE_VERSION) {
		shim_log("service speaks protocol %#x version %u vs expected %#x version %u", head.magic,
			 head.version, WIRE_MAGIC, WIRE_VERSION);
		return -EPROTO;
	}
	*need_ptracer = head.status == WIRE_NEED_PTRACER;
	return head.status == WIRE_DONE ? (int)head.result : 0;
}

/* The service reads and writes our memory with process_vm_readv/writev. Under Yama ptrace_scope 1
 * only a declared ptracer may (Documentation/admin-guide/LSM/Yama.rst), so on the service's request
 * we declare it once, then say hello again. */
static int hello(struct shim_conn *conn)
{
	int need = 0, err;

	fill_cookie();
	err = hello_once(conn, 0, &need);
	if (err || !need)
		return err;
	if (prctl(PR_SET_PTRACER, (unsigned long)conn->service, 0, 0, 0) != 0) {
		err = -errno;
		shim_log("prctl(PR_SET_PTRACER, %d) failed: %s", (int)conn->service, strerror(-err));
		return -EPERM;
	}
	err = hello_once(conn, WIRE_F_PTRACER_SET, &need);
	if (err || need) {
		shim_log("the service still cannot read this process's memory after PR_SET_PTRACER");
		return -EPERM;
	}
	return 0;
}

static int connect_and_hello(const char *dir, struct shim_conn *conn)
{
	int err = connect_socket(dir, conn);
	if (err)
		return err;
	err = hello(conn);
	if (err) {
		shim_log("hello to the service failed: %s", strerror(-err));
		shim_conn_drop(conn);
		return err == -EPROTO || err == -ECONNRESET || err == -EPIPE ? -EPERM : err;
	}
	return 0;
}

static int lock_start(const char *dir, long deadline)
{
	char path[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/start.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || now_ms() > deadline) {
			close(fd);
			return -ETIMEDOUT;
		}
		sleep_ms(10);
	}
	return fd;
}

/* Starts the service and waits for its socket. A lock file makes concurrent starters (two apps
 * launched at once) start one service: the others wait for the lock, then find it listening. */
static int start_and_connect(const char *dir, const char *sock, struct shim_conn *conn)
{
	long deadline = now_ms() + shim_env_ms("BPFTIME_START_TIMEOUT_MS", START_TIMEOUT_MS);
	pid_t service = 0;
	int lock, err;

	lock = lock_start(dir, deadline);
	if (lock < 0) {
		shim_log("cannot take %s/start.lock: %s", dir, strerror(-lock));
		return -EPERM;
	}
	err = connect_and_hello(dir, conn);
	if (err == -ENOENT || err == -ECONNREFUSED) {
		err = shim_spawn_service(dir, &service);
		while (!err) {
			err = connect_and_hello(dir, conn);
			if (err != -ENOENT && err != -ECONNREFUSED)
				break;
			/* Do not wait out the timeout for a service that already ended (no java, a bad home...). */
			if (service <= 0 || (kill(service, 0) != 0 && errno == ESRCH)) {
				shim_log("the service ended before it listened on %s; see %s/service.log", sock, dir);
				err = -ESRCH;
				break;
			}
			if (now_ms() > deadline) {
				shim_log("the service did not answer on %s within %ld ms; see %s/service.log", sock,
					 shim_env_ms("BPFTIME_START_TIMEOUT_MS", START_TIMEOUT_MS), dir);
				err = -ETIMEDOUT;
				break;
			}
			sleep_ms(20);
			err = 0;
		}
	}
	close(lock);
	return err;
}

static int still_ours(const struct shim_conn *conn)
{
	struct stat st;
	return fstat(conn->fd, &st) == 0 && st.st_dev == conn->dev && st.st_ino == conn->ino;
}

void shim_conn_drop(struct shim_conn *conn)
{
	if (conn->fd >= 0 && still_ours(conn))
		close(conn->fd);
	conn->fd = -1;
}

void shim_conn_forget_inherited(struct shim_conn *conn)
{
	shim_conn_drop(conn);
}

int shim_conn_get(struct shim_conn *conn)
{
	return shim_conn_get_as(conn, getpid());
}

int shim_conn_get_as(struct shim_conn *conn, pid_t self)
{
	char dir[PATH_MAX], sock[PATH_MAX + 16];
	int err;

	if (conn->fd >= 0) {
		if (conn->owner != self)
			shim_conn_forget_inherited(conn); /* vfork or clone without our atfork handler */
		else if (!still_ours(conn))
			conn->fd = -1; /* the app closed or reused the number: not ours to close */
		else
			return conn->fd;
	}
	err = shim_runtime_dir(dir);
	if (err)
		return -EPERM; /* cannot even log: the directory is what is missing or not ours */
	snprintf(sock, sizeof(sock), "%s/" SERVICE_SOCKET_NAME, dir);
	err = connect_and_hello(dir, conn);
	if (err == -ENOENT || err == -ECONNREFUSED)
		err = start_and_connect(dir, sock, conn);
	if (err) {
		shim_log("no bpftime service reachable at %s (%s): bpf() fails with EPERM", sock, strerror(-err));
		return -EPERM;
	}
	return conn->fd;
}
