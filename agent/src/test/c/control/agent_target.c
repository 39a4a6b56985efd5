/*
 * The traced workload of the agent's end-to-end tests: once GO_FILE exists it calls target_fn and
 * opens MARKER_PATH N times in all, over THREADS threads, in this process and, with FORK 1, as many
 * again in a forked child. It checks that errno survives every hooked call, and prints exactly
 * "done CALLS" on stdout (nothing of the agent's may appear there). The agent's descriptors must
 * not take the low numbers the application's next files get: no descriptor below 512 may be open
 * at the end that was not open at the start of main.
 *
 * With INJECT 1 the opens must fail with ENOSPC and target_fn return 77 (agent_override.bpf.c); with
 * INJECT 2 agent_target_semaphore must be non-zero at every call (a uprobe with a ref_ctr offset
 * holds it up, as for a USDT semaphore). With INJECT 3 the process first becomes nobody the way
 * setpriv --reuid=nobody --regid=nogroup --clear-groups does it, thread by thread (see
 * drop_like_setpriv; like setpriv it has one thread of its own then: a thread of its own that did
 * not make the per-thread changes would make glibc abort with or without the agent), then checks
 * that every thread of the process (the agent's too) has the same user, groups and capabilities, and
 * runs its THREADS threads as nobody.
 *
 * GO_FILE "flag=PATH": spin until the first byte of PATH (mapped shared) is non-zero, so that the
 * calls start within nanoseconds of a loader's write right after its attach returned.
 *
 *   agent_target MARKER_PATH N THREADS FORK GO_FILE|-|flag=PATH [PAUSE_US [INJECT]]
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <dirent.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc exports capset without declaring it (libcap's header does) */
extern int capset(cap_user_header_t header, const cap_user_data_t data);

static const char *marker;
static long per_thread, pause_us;
static int inject;
/* Where <sys/sdt.h> puts USDT semaphores: a file-backed, writable section. */
__attribute__((section(".probes"), used)) volatile unsigned short agent_target_semaphore;
static long semaphore_seen;
static volatile int errno_broken;

__attribute__((noinline)) unsigned long target_fn(unsigned long i)
{
	__asm__ volatile("" ::: "memory");
	return i * 2 + 1;
}

static void *work(void *arg)
{
	for (long i = 0; i < per_thread; i++) {
		errno = 4321;
		if (agent_target_semaphore)
			__atomic_add_fetch(&semaphore_seen, 1, __ATOMIC_RELAXED);
		unsigned long want = inject == 1 ? 77 : (unsigned long)i * 2 + 1;
		if (target_fn((unsigned long)i) != want || errno != 4321)
			errno_broken = 1;
		int fd = open(marker, O_RDONLY | O_CLOEXEC);
		if (inject == 1 ? (fd != -1 || errno != ENOSPC) : (fd < 0 || errno != 4321))
			errno_broken = 1;
		if (fd >= 0)
			close(fd);
		if (pause_us)
			usleep((useconds_t)pause_us);
	}
	return NULL;
}

static int run(long threads)
{
	pthread_t t[64];
	for (long i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, work, NULL))
			return 1;
	for (long i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	return errno_broken ? 3 : 0;
}

/* The Uid, Gid, Groups, CapPrm and CapEff lines of a thread's status. */
static int thread_credentials(const char *status_path, char *out, size_t cap)
{
	FILE *f = fopen(status_path, "re");
	char line[256];
	size_t n = 0;

	if (!f)
		return -1;
	out[0] = 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4) || !strncmp(line, "Groups:", 7) ||
		    !strncmp(line, "CapPrm:", 7) || !strncmp(line, "CapEff:", 7) || !strncmp(line, "CapBnd:", 7)) {
			size_t l = strlen(line);
			if (n + l < cap) {
				memcpy(out + n, line, l + 1);
				n += l;
			}
		}
	fclose(f);
	return 0;
}

static int every_thread_is(const char *want)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	char path[300], got[1024];
	int rc = 0, seen = 0;

	if (!d)
		return 18;
	while ((e = readdir(d)) != NULL && rc == 0) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", e->d_name);
		if (thread_credentials(path, got, sizeof(got)) == 0) {
			seen++;
			if (strcmp(got, want) != 0) {
				fprintf(stderr, "thread %s:\n%sdiffers from the main thread:\n%s", e->d_name, got, want);
				rc = 17;
			}
		}
	}
	closedir(d);
	return rc ? rc : seen >= 1 ? 0 : 18;
}

/*
 * setpriv's order (util-linux sys-utils/setpriv.c): PR_SET_KEEPCAPS, setresuid, then capset in the
 * calling thread only (keeping CAP_SETGID effective), setresgid and setgroups (each broadcast by
 * glibc to every thread), and last the capabilities dropped. Half through capset(), half through
 * syscall(), as libcap-ng and libcap do.
 */
static int drop_like_setpriv(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	int rc = 0;
	char want[1024];

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setresuid(65534, 65534, 65534))
		rc = 11;
	if (!rc && (syscall(SYS_capget, &h, d) || (d[0].effective = d[0].permitted, capset(&h, d))))
		rc = 12;
	if (!rc && (setresgid(65534, 65534, 65534) || setgroups(0, NULL)))
		rc = 13;
	memset(d, 0, sizeof(d));
	if (!rc && (syscall(SYS_prctl, PR_SET_KEEPCAPS, 0, 0, 0, 0) || syscall(SYS_capset, &h, d)))
		rc = 14;
	/* so that this process may read its own /proc files again (a uid change cleared it) */
	if (!rc && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		rc = 15;
	if (!rc && (getuid() != 65534 || getgid() != 65534))
		rc = 16;
	if (!rc && thread_credentials("/proc/thread-self/status", want, sizeof(want)))
		rc = 18;
	if (!rc)
		rc = every_thread_is(want);
	return rc;
}

static void report_low_fd(int fd)
{
	char link[64], to[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, to, sizeof(to) - 1);
	to[n < 0 ? 0 : n] = 0;
	fprintf(stderr, "pid %d: descriptor %d (%s) opened behind the application's back\n", (int)getpid(), fd, to);
}

/* A bit per descriptor below 512 that is open. */
static void low_fds_open(unsigned char open_fds[64])
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	for (int i = 0; i < 64; i++)
		open_fds[i] = 0;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd < 512 && fd != dirfd(d))
			open_fds[fd / 8] |= (unsigned char)(1u << (fd % 8));
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: %s MARKER_PATH N THREADS FORK GO_FILE|- [PAUSE_US]\n", argv[0]);
		return 2;
	}
	marker = argv[1];
	long n = atol(argv[2]), threads = atol(argv[3]);
	int forking = atoi(argv[4]);
	pause_us = argc > 6 ? atol(argv[6]) : 0;
	inject = argc > 7 ? atoi(argv[7]) : 0;
	unsigned char before[64], after[64];
	low_fds_open(before);
	if (threads < 1 || threads > 64 || n % threads)
		return 2;
	per_thread = n / threads;
	if (inject == 3) {
		int rc = drop_like_setpriv();
		if (rc)
			return rc;
	}
	if (strncmp(argv[5], "flag=", 5) == 0) {
		int fd = open(argv[5] + 5, O_RDONLY | O_CLOEXEC);
		volatile unsigned char *flag = fd < 0 ? MAP_FAILED : mmap(NULL, 1, PROT_READ, MAP_SHARED, fd, 0);
		if (flag == MAP_FAILED)
			return 2;
		close(fd);
		while (!*flag)
			__builtin_ia32_pause();
		munmap((void *)flag, 1);
	} else if (argv[5][0] != '-')
		while (access(argv[5], F_OK) != 0)
			usleep(5000);
	pid_t child = forking ? fork() : 0;
	if (child < 0)
		return 4;
	int rc = run(threads);
	if (rc == 0 && inject == 2 && semaphore_seen != n)
		rc = 7;
	/* A descriptor the agent holds must not be low. One it is moving up right now (its thread
	 * connecting or receiving, a forked child's just after the fork) is low for a moment, as any
	 * library thread's new descriptor is: looked at again after a while, it is gone. */
	for (int look = 0; look < 2 && rc == 0; look++) {
		low_fds_open(after);
		rc = 0;
		for (int i = 0; i < 64; i++)
			if (after[i] & ~before[i]) {
				rc = 6;
				if (look == 1)
					report_low_fd(i * 8 + __builtin_ctz(after[i] & ~before[i]));
			}
		if (rc && look == 0) {
			rc = 0;
			usleep(200000);
			continue;
		}
		break;
	}
	if (forking && child == 0)
		_exit(rc);
	if (forking) {
		int status = 0;
		pid_t w;
		while ((w = waitpid(child, &status, 0)) < 0 && errno == EINTR) {
		}
		if (w != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "forked child: waitpid %d, status %#x\n", (int)w, status);
			rc = rc ? rc : 5;
		}
	}
	if (rc == 0)
		printf("done %ld\n", forking ? 2 * n : n);
	return rc;
}
