/* Sieve of Eratosthenes: the number of primes below 65536, one flag byte per number in mem. */
#include "vm_program.h"

u64 bpf_main(u8 *mem, u64 len)
{
	u64 n = len < VM_MEM_SIZE ? len : VM_MEM_SIZE;
	u64 count = n > 2;

	/* Even numbers start out composite, so only odd ones are sieved (and 2 is counted above). */
	for (u64 i = 0; i < n; i++)
		mem[i] = (u8)(i & 1);
	mem[1] = 0;
	for (u64 i = 3; i * i < n; i += 2) {
		if (!mem[i])
			continue;
		for (u64 j = i * i; j < n; j += 2 * i)
			mem[j] = 0;
	}
	for (u64 i = 3; i < n; i += 2)
		count += mem[i];
	return count;
}
