/*
 * Reading and writing the traced process's memory where a pointer comes from its syscall
 * arguments: the kernel answers EFAULT for a bad one, so must we, rather than fault inside the
 * hook. process_vm_readv/writev on our own process do the copy with the kernel's checks
 * (mm/process_vm_access.c); ptrace_may_access always allows a thread group to access itself.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "internal.h"

/* The process whose memory is ours: refreshed in a child that got a copy of the memory, kept in
 * one that shares it (a vfork or CLONE_VM child reads the same memory through the parent). */
static long sh_memory_pid;

void sh_user_memory_refresh_pid(void)
{
	sh_memory_pid = sh_raw0(SYS_getpid);
}

static long sh_vm_copy(long nr, void *local, uint64_t remote, unsigned long len)
{
	struct iovec l = { .iov_base = local, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)remote, .iov_len = len };
	long n;

	if (!sh_memory_pid)
		sh_user_memory_refresh_pid();
	n = bpftime_syscall_hooks_raw(nr, sh_memory_pid, (long)&l, 1, (long)&r, 1, 0);
	if (n < 0)
		return n;
	return (unsigned long)n == len ? 0 : -EFAULT;
}

long sh_read_user(void *dst, uint64_t src, unsigned long len)
{
	return sh_vm_copy(SYS_process_vm_readv, dst, src, len);
}

long sh_write_user(uint64_t dst, const void *src, unsigned long len)
{
	return sh_vm_copy(SYS_process_vm_writev, (void *)src, dst, len);
}
