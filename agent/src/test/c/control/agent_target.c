/*
 * The traced workload of the agent's end-to-end tests: once GO_FILE exists it calls target_fn and
 * opens MARKER_PATH N times in all, over THREADS threads, in this process and, with FORK 1, as many
 * again in a forked child. It checks that errno survives every hooked call, and prints exactly
 * "done CALLS" on stdout (nothing of the agent's may appear there). The agent's descriptors must
 * not take the low numbers the application's next files get: no descriptor below 512 may be open
 * at the end that was not open at the start of main.
 *
 *   agent_target MARKER_PATH N THREADS FORK GO_FILE|- [PAUSE_US]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

static const char *marker;
static long per_thread, pause_us;
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
		if (target_fn((unsigned long)i) != (unsigned long)i * 2 + 1 || errno != 4321)
			errno_broken = 1;
		int fd = open(marker, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || errno != 4321)
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
	unsigned char before[64], after[64];
	low_fds_open(before);
	if (threads < 1 || threads > 64 || n % threads)
		return 2;
	per_thread = n / threads;
	if (argv[5][0] != '-')
		while (access(argv[5], F_OK) != 0)
			usleep(5000);
	pid_t child = forking ? fork() : 0;
	if (child < 0)
		return 4;
	int rc = run(threads);
	low_fds_open(after);
	for (int i = 0; i < 64 && rc == 0; i++)
		if (after[i] & ~before[i])
			rc = 6;
	if (forking && child == 0)
		_exit(rc);
	if (forking) {
		int status;
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = rc ? rc : 5;
	}
	if (rc == 0)
		printf("done %ld\n", forking ? 2 * n : n);
	return rc;
}
