/*
 * bpf_probe_read*, bpf_probe_write_user (kernel/trace/bpf_trace.c). In a traced process every
 * readable address is user memory; kernel addresses fail with -EFAULT as they would for
 * copy_from_user. On failure the destination is zeroed (bpf_probe_read_user_common).
 */
#include <errno.h>

#include "helpers_internal.h"

static uint64_t read_common(uint64_t dst, uint64_t size, uint64_t src)
{
	long rc = user_read(PTR(dst), src, size);
	if (rc < 0)
		bpftime_gpr_zero(PTR(dst), size);
	return (uint64_t)rc;
}

/* bpf_probe_read_user_str_common: size 0 returns 0 and writes nothing. */
static uint64_t read_str_common(uint64_t dst, uint64_t size, uint64_t src)
{
	if (size == 0)
		return 0;
	long rc = kernel_address(src, 1) ? -EFAULT : user_read_str(PTR(dst), src, size);
	if (rc < 0)
		bpftime_gpr_zero(PTR(dst), size);
	return (uint64_t)rc;
}

HELPER(probe_read_user)
{
	return read_common(r1, r2, r3);
}

/* bpf_probe_read_kernel on x86 refuses user addresses; here the program's "kernel" objects (its
 * context, pt_regs) are user memory, so user addresses are read and kernel ones fail. */
HELPER(probe_read_kernel)
{
	return read_common(r1, r2, r3);
}

/* bpf_probe_read (compat): user or kernel by the address. */
HELPER(probe_read)
{
	return read_common(r1, r2, r3);
}

HELPER(probe_read_user_str)
{
	return read_str_common(r1, r2, r3);
}

HELPER(probe_read_kernel_str)
{
	return read_str_common(r1, r2, r3);
}

HELPER(probe_read_str)
{
	return read_str_common(r1, r2, r3);
}

/* bpf_probe_write_user(dst, src, len): copy_to_user_nofault, -EFAULT where not writable. */
HELPER(probe_write_user)
{
	return (uint64_t)user_write(r1, PTR(r2), r3);
}

/* bpf_strncmp(s1, s1_sz, s2): the kernel's strncmp, -1, 0 or 1 (lib/string.c). */
HELPER(strncmp)
{
	const unsigned char *a = PTR(r1), *b = PTR(r3);
	for (uint64_t i = 0; i < r2; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? (uint64_t)-1 : 1;
		if (a[i] == 0)
			break;
	}
	return 0;
}
