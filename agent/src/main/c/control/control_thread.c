/*
 * The control thread: waits for a service (the agent never starts one: a loader's shim does),
 * connects as an agent, and applies what the service pushes, in order. When the service goes away
 * every attachment is removed (the probes go quiet, the process runs on) and the thread waits for
 * the next service. Its own syscalls are never traced, and it takes none of the application's signals.
 */
#include <errno.h>
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

#define PAYLOAD_MAX (4u << 20)
#define WAIT_MS 100

static int service_fd = -1;
static uint8_t *payload;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static int payload_area(void)
{
	if (!payload) {
		void *p = mmap(NULL, PAYLOAD_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		payload = p == MAP_FAILED ? NULL : p;
	}
	return payload != NULL;
}

static void apply(const struct agent_msg *m, const uint8_t *data, const int fds[2])
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
		if (m->payload_len > 0 && data[m->payload_len - 1] == 0)
			path = (const char *)data;
		attachments_add(m, path);
		break;
	}
	case AGENT_MSG_DETACH:
		attachments_remove(m->id);
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

static void serve(int fd)
{
	struct agent_msg m;
	int fds[2], err;

	for (;;) {
		err = service_receive(fd, &m, payload, PAYLOAD_MAX, fds);
		if (err == -EPROTO)
			continue;
		if (err)
			break;
		apply(&m, payload, fds);
		bpftime_probe_poll(0);
	}
	agent_log("the service went away (%s): removing every attachment", strerror(-err));
	attachments_remove_all();
}

static void *control_main(void *arg)
{
	char dir[PATH_MAX];
	sigset_t all;
	int logged = 0;

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
		sleep_ms(WAIT_MS);
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
			apply(&m, payload, fds);
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

	if (!payload_area())
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_create(&t, &attr, control_main, NULL);
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
	control_start();
}
