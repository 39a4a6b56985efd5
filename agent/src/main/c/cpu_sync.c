/* membarrier(2) with a fallback for kernels without it: mprotect of a touched private page makes
 * the kernel shoot down that page's TLB entries with an IPI to every CPU running this process, and
 * the return from that interrupt both serialises the CPU and orders its memory accesses. */
#include <linux/membarrier.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpu_sync.h"

static int have_sync_core, have_expedited;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile char *ipi_page;

static long membarrier(int cmd)
{
	return syscall(SYS_membarrier, cmd, 0, 0);
}

static void init_once(void)
{
	long cmds = membarrier(MEMBARRIER_CMD_QUERY);
	if (cmds < 0)
		cmds = 0;
	if ((cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) &&
	    membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) == 0)
		have_sync_core = 1;
	if ((cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) && membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
		have_expedited = 1;
	if (!have_sync_core || !have_expedited) {
		void *p = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			ipi_page = p;
	}
}

void cpu_sync_init(void)
{
	pthread_once(&once, init_once);
}

static void shootdown(void)
{
	if (!ipi_page)
		return;
	ipi_page[0] = 1;
	mprotect((void *)ipi_page, getpagesize(), PROT_READ);
	mprotect((void *)ipi_page, getpagesize(), PROT_READ | PROT_WRITE);
}

void cpu_sync_cores(void)
{
	cpu_sync_init();
	if (!have_sync_core || membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE))
		shootdown();
}

void cpu_sync_memory(void)
{
	cpu_sync_init();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!have_expedited || membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED))
		shootdown();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
