#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "thread_quiesce.h"

/* CPU time after which a runnable thread has surely executed past a few instructions. */
#define RUNTIME_NS 50000ull
#define MAX_THREADS 65536

struct watched {
	pid_t tid;
	int safe;
	uint64_t start_runtime;
};

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	int err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = 0;
	return (int)n;
}

/* Nanoseconds on CPU (schedstat, CONFIG_SCHED_INFO), else utime + stime in clock ticks from stat. */
static int runtime_ns(pid_t tid, uint64_t *ns)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	if (read_small(path, buf, sizeof(buf)) > 0) {
		*ns = strtoull(buf, NULL, 10);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	int r = read_small(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	/* fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th */
	char *p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	unsigned long long utime = 0, stime = 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return -EINVAL;
	*ns = (utime + stime) * (1000000000ull / sysconf(_SC_CLK_TCK));
	return 0;
}

/* 1: the thread cannot resume inside [lo, hi); 0: maybe; -ENOENT: it exited. */
static int check(struct watched *w, uintptr_t lo, uintptr_t hi)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", w->tid);
	int r = read_small(path, buf, sizeof(buf));
	if (r == -ENOENT || r == -ESRCH)
		return -ENOENT;
	if (r > 0 && strncmp(buf, "running", 7) != 0) {
		/* "nr args... sp pc" or "-1 sp pc": blocked in the kernel, pc is the user pc it resumes at */
		char *last = strrchr(buf, ' ');
		if (last) {
			uintptr_t pc = strtoull(last + 1, NULL, 16);
			return pc < lo || pc >= hi;
		}
	}
	uint64_t now;
	if (runtime_ns(w->tid, &now))
		return 0;
	return now - w->start_runtime >= RUNTIME_NS;
}

struct quiesce {
	uintptr_t lo, hi;
	size_t n;
	struct watched w[];
};

int quiesce_begin(uintptr_t lo, uintptr_t hi, struct quiesce **out)
{
	pid_t self = (pid_t)syscall(SYS_gettid);
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -errno;
	size_t cap = 64;
	struct quiesce *q = malloc(sizeof(*q) + cap * sizeof(q->w[0]));
	struct dirent *e;
	int err = 0;
	if (q) {
		q->lo = lo;
		q->hi = hi;
		q->n = 0;
	}
	while (q && (e = readdir(d))) {
		pid_t tid = (pid_t)atoi(e->d_name);
		if (tid <= 0 || tid == self)
			continue;
		if (q->n == cap) {
			struct quiesce *grown = cap < MAX_THREADS ? realloc(q, sizeof(*q) + 2 * cap * sizeof(q->w[0])) : NULL;
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			q = grown;
			cap *= 2;
		}
		struct watched *w = &q->w[q->n++];
		*w = (struct watched){ tid, 0, 0 };
		if (runtime_ns(tid, &w->start_runtime))
			w->start_runtime = 0;
	}
	closedir(d);
	if (!q)
		return -ENOMEM;
	if (err) {
		free(q);
		return err;
	}
	/* Threads created after the listing start elsewhere; they reach the site through the int3. */
	*out = q;
	return 0;
}

int quiesce_check(struct quiesce *q)
{
	size_t pending = 0;
	for (size_t i = 0; i < q->n; i++) {
		if (q->w[i].safe)
			continue;
		if (check(&q->w[i], q->lo, q->hi))
			q->w[i].safe = 1;
		else
			pending++;
	}
	return pending == 0;
}

void quiesce_end(struct quiesce *q)
{
	free(q);
}
