/* Integer log2 of 8192 u64 values (random from the harness) by halving the search range, summed. */
#include "vm_program.h"

INLINE u64 log2_u64(u64 v)
{
	u64 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

u64 bpf_main(u8 *mem, u64 len)
{
	u64 n = (len < VM_MEM_SIZE ? len : VM_MEM_SIZE) / 8;
	const u64 *values = (const u64 *)mem;
	u64 sum = 0;

	for (u64 i = 0; i < n; i++)
		sum += log2_u64(values[i]);
	return sum;
}
