/* Loaded by workload_dlopen after the hooks are installed: its syscall sites are new code. */
#include <sys/syscall.h>

__attribute__((visibility("default"))) long plugin_getppid(void)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_getppid) : "rcx", "r11", "memory");
	return r;
}
