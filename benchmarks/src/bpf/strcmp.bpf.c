/*
 * strcmp of two 32 KiB strings that differ only in their last byte (the harness writes them at mem
 * and mem + 32768), as a program comparing a name byte by byte would.
 */
#include "vm_program.h"

INLINE int compare(const u8 *a, const u8 *b, u64 max)
{
	u64 i = 0;

	while (i < max && a[i] && a[i] == b[i])
		i++;
	return i == max ? 0 : (int)a[i] - (int)b[i];
}

u64 bpf_main(u8 *mem, u64 len)
{
	u64 half = (len < VM_MEM_SIZE ? len : VM_MEM_SIZE) / 2;

	return (u64)(long long)compare(mem, mem + half, half);
}
