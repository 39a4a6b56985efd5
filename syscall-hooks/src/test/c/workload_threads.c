/* Threads making syscalls at once: each must be seen in its own thread, in its own order. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "workload.h"

#define THREADS 8
#define ROUNDS 200

static void *worker(void *arg)
{
	int null = open("/dev/null", O_WRONLY);
	pid_t ppid = getppid();

	CHECK(null >= 0, "open");
	for (int i = 0; i < ROUNDS; i++) {
		CHECK(write(null, "hello", 5) == 5, "write");
		CHECK(getppid() == ppid, "getppid");
		CHECK(asm_raw_syscall(SYS_getppid, 0, 0, 0) == ppid, "raw getppid");
		if (i % 50 == 0)
			sched_yield();
	}
	close(null);
	return arg;
}

int main(void)
{
	pthread_t t[THREADS];

	for (long i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0, "pthread_create");
	for (long i = 0; i < THREADS; i++) {
		void *r;
		CHECK(pthread_join(t[i], &r) == 0 && r == (void *)i, "join");
	}
	printf("workload_threads ok\n");
	return 0;
}
