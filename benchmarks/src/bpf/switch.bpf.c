/*
 * Switch dispatch: one of 16 cases per input byte (random bytes from the harness), the shape of a
 * parser's or an opcode handler's main loop.
 */
#include "vm_program.h"

u64 bpf_main(u8 *mem, u64 len)
{
	u64 n = len < VM_MEM_SIZE ? len : VM_MEM_SIZE;
	u64 acc = 0, aux = 1;

	for (u64 i = 0; i < n; i++) {
		u64 c = mem[i];

		switch (c & 15) {
		case 0: acc += c; break;
		case 1: acc ^= c << 3; break;
		case 2: acc -= i; break;
		case 3: aux += acc >> 5; break;
		case 4: acc = (acc << 1) | (acc >> 63); break;
		case 5: aux ^= i * 7; break;
		case 6: acc += aux; break;
		case 7: aux = aux * 3 + c; break;
		case 8: acc |= c << 12; break;
		case 9: acc &= ~(c << 4); break;
		case 10: aux -= c; break;
		case 11: acc ^= aux; break;
		case 12: acc += i << 2; break;
		case 13: aux = (aux >> 1) ^ c; break;
		case 14: acc -= aux >> 3; break;
		default: acc += 1; break;
		}
	}
	return acc ^ aux;
}
