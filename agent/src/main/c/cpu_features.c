#include <cpuid.h>
#include <pthread.h>

#include "cpu_features.h"

/* XCR0 bits: x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM (SDM Vol. 1, 13.1). AMX and PKRU are left
 * out: nothing the engine runs touches them. */
#define USER_VECTOR_STATE 0xe7ull

static struct cpu_features features;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void detect(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	if (!(c & bit_OSXSAVE))
		return;
	features.xsave = 1;
	unsigned lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	uint64_t xcr0 = (uint64_t)hi << 32 | lo;
	features.avx = (c & bit_AVX) && (xcr0 & 6) == 6;
	features.xsave_mask = xcr0 & USER_VECTOR_STATE;
	__cpuid_count(0xd, 0, a, b, c, d);
	features.xsave_size = b;
	__cpuid_count(0xd, 1, a, b, c, d);
	features.xsavec = !!(a & 2);
}

const struct cpu_features *cpu_features(void)
{
	pthread_once(&once, detect);
	return &features;
}
