/*
 * A program whose code is all covered at installation (no hand-written asm without unwind tables,
 * unlike the workload_* programs), so the hooks run it without Syscall User Dispatch; then new
 * code comes: a library loaded with dlopen making a raw syscall (argv[1]), and a page mapped
 * read-write-execute holding `mov $SYS_getppid, %eax; syscall; ret`. Every getppid must still
 * be seen, from the main thread, from a thread created before the page that spins in user code
 * without a syscall until it calls the page, and from a thread created after. The page is then
 * unmapped and the program makes more syscalls, after which the hooks drop SUD again, and CALLS
 * more getppid through libc (the entry's fast path when the callbacks allow it), each checked, as
 * are errno and the flags across a failing syscall. The test counts the getppid calls per thread:
 * main 1 + CALLS * 3, the others CALLS each.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "workload.h"

#define CALLS 1000

static long (*volatile page_getppid)(void);
static int go;

static void *before(void *arg)
{
	pid_t ppid = (pid_t)(long)arg;

	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		; /* no syscall: this thread must be told to turn SUD on */
	for (int i = 0; i < CALLS; i++)
		CHECK(page_getppid() == ppid, "page getppid in the thread created before");
	return 0;
}

static void *after(void *arg)
{
	pid_t ppid = (pid_t)(long)arg;

	for (int i = 0; i < CALLS; i++)
		CHECK(page_getppid() == ppid, "page getppid in the thread created after");
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned char code[] = { 0xb8, SYS_getppid, 0, 0, 0, 0x0f, 0x05, 0xc3 };
	pthread_t t1, t2;

	CHECK(argc == 2, "usage: covered_newcode PLUGIN.so");
	pid_t ppid = getppid();
	CHECK(pthread_create(&t1, NULL, before, (void *)(long)ppid) == 0, "pthread_create before");

	void *lib = dlopen(argv[1], RTLD_NOW);
	CHECK(lib != NULL, "dlopen %s: %s", argv[1], dlerror());
	long (*fn)(void) = (long (*)(void))dlsym(lib, "plugin_getppid");
	CHECK(fn != NULL, "dlsym");
	for (int i = 0; i < CALLS; i++)
		CHECK(fn() == ppid, "plugin_getppid");

	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED, "mmap rwx");
	memcpy(page, code, sizeof(code));
	page_getppid = (long (*)(void))page;
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < CALLS; i++)
		CHECK(page_getppid() == ppid, "page getppid in main");
	CHECK(pthread_join(t1, NULL) == 0, "join before");
	CHECK(pthread_create(&t2, NULL, after, (void *)(long)ppid) == 0, "pthread_create after");
	CHECK(pthread_join(t2, NULL) == 0, "join after");

	CHECK(munmap(page, 4096) == 0, "munmap");
	for (int i = 0; i < 30000; i++)
		getpid(); /* the hooks look at the mappings again after 1, 2, 4 ... syscalls */
	for (int i = 0; i < CALLS; i++)
		CHECK(getppid() == ppid, "getppid after");
	errno = 0;
	CHECK(close(-1) == -1 && errno == EBADF, "close(-1): errno %d", errno);
	printf("covered_newcode ok\n");
	return 0;
}
