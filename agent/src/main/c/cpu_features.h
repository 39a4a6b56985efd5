/* What the CPU and the kernel let user code use, as far as trampolines save state (CPUID, XGETBV:
 * Intel SDM Vol. 1, 13.2 "Enumeration of CPU support for XSAVE"). */
#ifndef BPFTIME_CPU_FEATURES_H
#define BPFTIME_CPU_FEATURES_H

#include <stdint.h>

struct cpu_features {
	int avx;             /* AVX enabled by the OS (XCR0 has SSE and AVX state) */
	int xsave;           /* XSAVE usable (CPUID.1:ECX.OSXSAVE) */
	int xsavec;          /* compacted XSAVEC */
	uint64_t xsave_mask; /* the user state components trampolines save: x87, SSE, AVX, AVX-512 */
	uint32_t xsave_size; /* bytes of an XSAVE area holding every enabled component */
};

const struct cpu_features *cpu_features(void);

#endif
