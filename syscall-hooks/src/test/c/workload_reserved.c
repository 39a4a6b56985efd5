/*
 * Blocks SIGTRAP and SIGUSR1 with a bare rt_sigprocmask (glibc's syscall(), which no libc-level
 * sigprocmask interposition sees), then prints which of the two the thread's mask holds. Under the hooks
 * with SIGTRAP reserved (the agent's probe engine reserves it: native-support's reserved_signals.h)
 * the guard keeps SIGTRAP out of the mask; SIGUSR1 stays blocked.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "workload.h"

int main(void)
{
	uint64_t set = (1ull << (SIGTRAP - 1)) | (1ull << (SIGUSR1 - 1)), now = 0;

	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, 0, 8) == 0, "blocking");
	CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, &now, 8) == 0, "reading the mask");
	printf("SIGTRAP %s, SIGUSR1 %s\n", now & (1ull << (SIGTRAP - 1)) ? "blocked" : "not blocked",
	       now & (1ull << (SIGUSR1 - 1)) ? "blocked" : "not blocked");
	return 0;
}
