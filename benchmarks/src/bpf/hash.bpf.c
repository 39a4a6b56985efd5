/* FNV-1a, 64-bit, over all of mem (random bytes from the harness): a hash loop over a buffer. */
#include "vm_program.h"

#define FNV64_OFFSET_BASIS 0xcbf29ce484222325ull
#define FNV64_PRIME 0x100000001b3ull

u64 bpf_main(u8 *mem, u64 len)
{
	u64 n = len < VM_MEM_SIZE ? len : VM_MEM_SIZE;
	u64 h = FNV64_OFFSET_BASIS;

	for (u64 i = 0; i < n; i++) {
		h ^= mem[i];
		h *= FNV64_PRIME;
	}
	return h;
}
