/*
 * A long arithmetic loop on registers only: 64-bit and 32-bit adds, multiplies, xors, shifts and
 * rotates, 100,000 iterations, no memory access. The seed is the first word of mem.
 */
#include "vm_program.h"

u64 bpf_main(u8 *mem, u64 len)
{
	u64 x = len >= 8 ? *(const u64 *)mem : 1;
	u64 y = 0x9e3779b97f4a7c15ull;
	u32 z = 12345;

	for (u64 i = 0; i < 100000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		y ^= x >> 29;
		y = (y << 13) | (y >> 51);
		z = z * 1103515245u + (u32)(y >> 7);
		z ^= z >> 11;
		x += (u64)z << 3;
	}
	return x ^ y ^ z;
}
