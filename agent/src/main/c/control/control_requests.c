/*
 * Work an application thread hands to the control thread and waits for: what only the control
 * thread may do (change its own credentials, cred_mirror.c) or touch (the attachments table, after a
 * change of the mappings, dl_watch.c). One request at a time, in a slot copied under a lock; the control
 * thread is woken through an eventfd it polls beside the service's socket (control_thread.c), and
 * the requester waits at most REQUEST_WAIT_MS, so a stuck control thread never hangs the application.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

#define REQUEST_WAIT_MS 2000

static pthread_mutex_t requesters = PTHREAD_MUTEX_INITIALIZER; /* one request in flight */
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_done = PTHREAD_COND_INITIALIZER;
static struct control_request slot;
static uint64_t posted, served;
static int wake_fd = -1;
static pid_t owner_pid;          /* the process whose control thread serves (not a vfork child's) */
static pid_t control_tid;        /* set by the control thread itself */
static int control_exists;       /* created, maybe not running yet: a request waits for it */

int control_requests_init(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		return -errno;
	wake_fd = agent_fd_high(fd);
	owner_pid = getpid();
	return 0;
}

int control_requests_fd(void)
{
	return wake_fd;
}

void control_requests_thread_created(int created)
{
	__atomic_store_n(&control_exists, created, __ATOMIC_RELEASE);
}

void control_requests_thread_started(void)
{
	__atomic_store_n(&control_tid, gettid(), __ATOMIC_RELEASE);
}

/* In a forked child: the parent's eventfd would wake the parent's thread, and a requester of the
 * parent may have held the locks at the fork. */
void control_requests_after_fork_child(void)
{
	pthread_mutex_init(&requesters, NULL);
	pthread_mutex_init(&slot_lock, NULL);
	pthread_cond_init(&slot_done, NULL);
	served = posted;
	control_tid = 0;
	control_exists = 0;
	if (wake_fd >= 0)
		close(wake_fd);
	wake_fd = -1;
	control_requests_init();
}

static void run(struct control_request *r)
{
	switch (r->kind) {
	case CONTROL_REQUEST_CREDENTIALS:
		r->result = cred_mirror_apply(r);
		break;
	case CONTROL_REQUEST_MAPPINGS_CHANGED:
		r->result = attachments_remap();
		break;
	default:
		r->result = -EINVAL;
	}
}

void control_requests_serve(void)
{
	struct control_request local;
	uint64_t seq, count;

	if (read(wake_fd, &count, sizeof(count)) < 0) {
		/* EAGAIN: nothing new; the slot is looked at anyway */
	}
	pthread_mutex_lock(&slot_lock);
	seq = posted;
	if (seq == served) {
		pthread_mutex_unlock(&slot_lock);
		return;
	}
	local = slot;
	pthread_mutex_unlock(&slot_lock);
	run(&local);
	if (local.kind == CONTROL_REQUEST_MAPPINGS_CHANGED)
		attachments_release_stale(local.requester);
	pthread_mutex_lock(&slot_lock);
	if (posted == seq)
		slot.result = local.result;
	served = seq;
	pthread_cond_broadcast(&slot_done);
	pthread_mutex_unlock(&slot_lock);
}

int control_request(struct control_request *r)
{
	struct timespec until;
	uint64_t one = 1, seq;
	int saved = errno, err = 0;

	if (wake_fd < 0 || !__atomic_load_n(&control_exists, __ATOMIC_ACQUIRE) || getpid() != owner_pid ||
	    gettid() == __atomic_load_n(&control_tid, __ATOMIC_ACQUIRE))
		return -ESRCH;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += REQUEST_WAIT_MS / 1000;
	r->requester = gettid();
	pthread_mutex_lock(&requesters);
	pthread_mutex_lock(&slot_lock);
	slot = *r;
	seq = ++posted;
	pthread_mutex_unlock(&slot_lock);
	if (write(wake_fd, &one, sizeof(one)) < 0) {
		/* the counter is full: the thread is woken already */
	}
	pthread_mutex_lock(&slot_lock);
	while (served < seq && err == 0)
		err = pthread_cond_clockwait(&slot_done, &slot_lock, CLOCK_MONOTONIC, &until);
	if (served >= seq)
		r->result = slot.result;
	pthread_mutex_unlock(&slot_lock);
	pthread_mutex_unlock(&requesters);
	errno = saved;
	return err ? -ETIMEDOUT : 0;
}
