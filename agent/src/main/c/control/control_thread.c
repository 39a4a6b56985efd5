/*
 * The control thread: waits for a service (the agent never starts one: a loader's shim does),
 * connects as an agent, and applies what the service pushes, in order. When the service goes away
 * every attachment is removed (the probes go quiet, the process runs on) and the thread waits for
 * the next service. Its own syscalls are never traced, and it takes none of the application's signals.
 * Beside the service's socket it polls for requests of the application's threads (control_requests.c).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bpftime_probe.h"
#include "bpftime_syscall_hooks.h"
#include "control.h"

/* Address space only (MAP_NORESERVE): pages are touched as large messages arrive. */
#define PAYLOAD_MAX (64u << 20)
#define WAIT_MS 100

static int service_fd = -1;
static uint8_t *payload;
/* BPFTIME_AGENT_APPLY_DELAY_MS (tests only): each attach and detach is applied this much later, as
 * on a loaded machine, to show that the loader's call waits for it (AgentEndToEndTest). */
static long apply_delay_ms = -1;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static int payload_area(void)
{
	if (!payload) {
		void *p = mmap(NULL, PAYLOAD_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		payload = p == MAP_FAILED ? NULL : p;
	}
	return payload != NULL;
}

static void test_delay(void)
{
	if (apply_delay_ms < 0) {
		const char *v = getenv("BPFTIME_AGENT_APPLY_DELAY_MS");
		apply_delay_ms = v ? atol(v) : 0;
	}
	if (apply_delay_ms > 0 && apply_delay_ms < 1000)
		sleep_ms(apply_delay_ms);
}

/* The service answers the loader's call that caused a batch only after this (docs/PROTOCOL.md). */
static void acknowledge(int fd, uint32_t seq)
{
	struct agent_msg ack = { .magic = AGENT_MSG_MAGIC, .version = AGENT_MSG_VERSION, .type = AGENT_MSG_ACK, .id = seq };
	ssize_t n;

	bpftime_probe_poll(0);
	do
		n = send(fd, &ack, sizeof(ack), MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(ack))
		agent_log("cannot acknowledge barrier %u: %s", seq, n < 0 ? strerror(errno) : "short send");
}

static void apply(int fd, const struct agent_msg *m, const uint8_t *data, const int fds[2])
{
	int err = 0;

	switch (m->type) {
	case AGENT_MSG_MAP:
		err = objects_add_map(m->id, fds[0], fds[1]);
		break;
	case AGENT_MSG_PERF_BUFFER:
		err = objects_add_perf_buffer(m->id, fds[0], fds[1]);
		break;
	case AGENT_MSG_PROG:
		err = objects_add_prog(m, data);
		break;
	case AGENT_MSG_ATTACH: {
		const char *path = NULL;
		test_delay();
		if (m->payload_len > 0 && data[m->payload_len - 1] == 0)
			path = (const char *)data;
		attachments_add(m, path);
		break;
	}
	case AGENT_MSG_DETACH:
		test_delay();
		attachments_remove(m->id);
		break;
	case AGENT_MSG_PROG_FREE:
		objects_free_prog(m->id);
		break;
	case AGENT_MSG_MAP_FREE:
		objects_free_map(m->id);
		break;
	case AGENT_MSG_PERF_BUFFER_FREE:
		objects_free_perf_buffer(m->id);
		break;
	case AGENT_MSG_BARRIER:
		acknowledge(fd, m->id);
		break;
	case AGENT_MSG_SYNCED:
		attachments_remove_unconfirmed();
		agent_log("in step with the service");
		break;
	default:
		agent_log("message type %u unknown: ignored", m->type);
	}
	if (err)
		agent_log("message type %u id %u: %s", m->type, m->id, strerror(-err));
	/* A map's descriptors stay open (its handle refers to them); any others are closed. */
	if (m->type != AGENT_MSG_MAP && m->type != AGENT_MSG_PERF_BUFFER)
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
}

/* Waits up to timeout_ms (-1: no limit) for the service's next message, serving the application's
 * requests meanwhile: 1 when fd is readable (or hung up), 0 at the time-out. */
static int wait_for(int fd, int timeout_ms)
{
	struct pollfd p[2] = { { control_requests_fd(), POLLIN, 0 }, { fd, POLLIN, 0 } };
	int n;

	for (;;) {
		n = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue; /* glibc's set*id signal, among others */
		if (n < 0) {
			sleep_ms(WAIT_MS);
			return fd >= 0;
		}
		if (p[0].revents & POLLIN)
			control_requests_serve();
		if (fd >= 0 && p[1].revents)
			return 1;
		if (n == 0 || fd < 0)
			return 0;
	}
}

static void serve(int fd)
{
	struct agent_msg m;
	int fds[2], err;

	for (;;) {
		wait_for(fd, -1);
		err = service_receive(fd, &m, payload, PAYLOAD_MAX, fds);
		if (err == -EPROTO)
			continue;
		if (err)
			break;
		apply(fd, &m, payload, fds);
		bpftime_probe_poll(0);
	}
	agent_log("the service went away (%s): removing every attachment", strerror(-err));
	attachments_remove_all();
	objects_release_all();
}

static void *control_main(void *arg)
{
	char dir[PATH_MAX];
	sigset_t all;
	int logged = 0;

	control_requests_thread_started();
	bpftime_syscall_hooks_thread_untraced(1);
	prctl(PR_SET_NAME, "bpftime-agent", 0, 0, 0); /* from the thread itself: no /proc file opened */
	/* The application's signals go to its own threads; the ones a fault or a trap of ours raise,
	 * and SIGSYS (the hooks' fallback; a blocked trap would kill the process), stay deliverable. */
	sigfillset(&all);
	sigdelset(&all, SIGSYS);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	for (;;) {
		if (agent_runtime_dir(dir) == 0) {
			agent_log_open(dir);
			int fd = service_fd >= 0 ? service_fd : service_connect(dir);
			if (fd >= 0) {
				if (fd != service_fd) {
					service_fd = fd;
					agent_log("connected to the service as an agent");
					attachments_unconfirm_all();
				}
				logged = 0;
				serve(fd);
				service_fd = -1;
				close(fd);
			} else if (!logged) {
				agent_log("no service yet (%s): waiting for one", strerror(-fd));
				logged = 1;
			}
		}
		wait_for(-1, WAIT_MS);
	}
	return NULL;
}

/*
 * Before main: when a service runs, connect and apply its state up to SYNCED, so that a process
 * traced from its first instruction (an exec'd child of a traced shell) has its probes before main
 * runs, as with the kernel's tracepoints. Bounded by a receive timeout; then the control thread
 * takes the connection over.
 */
void control_sync_before_main(void)
{
	struct timeval limit = { 2, 0 }, none = { 0, 0 };
	char dir[PATH_MAX];
	struct agent_msg m;
	int fds[2], fd;

	if (agent_runtime_dir(dir) != 0 || !payload_area())
		return;
	agent_log_open(dir);
	bpftime_syscall_hooks_thread_untraced(1);
	fd = service_connect(dir);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
		attachments_unconfirm_all();
		while (service_receive(fd, &m, payload, PAYLOAD_MAX, fds) == 0) {
			apply(fd, &m, payload, fds);
			if (m.type == AGENT_MSG_SYNCED)
				break;
		}
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
		service_fd = fd;
		agent_log("connected to the service as an agent before main");
	}
	bpftime_syscall_hooks_thread_untraced(0);
}

void control_start(void)
{
	pthread_attr_t attr;
	pthread_t t;

	if (!payload_area() || (control_requests_fd() < 0 && control_requests_init() != 0))
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	control_requests_thread_created(1);
	if (pthread_create(&t, &attr, control_main, NULL) != 0)
		control_requests_thread_created(0);
	pthread_attr_destroy(&attr);
}

/* The parent's connection carries the parent's conversation: the child closes its copy and makes
 * its own, keeping the attachments it inherited until the service says which are its own. */
void control_after_fork_child(void)
{
	if (service_fd >= 0) {
		close(service_fd);
		service_fd = -1;
	}
	control_requests_after_fork_child();
	control_start();
}
