/* Size and flavour of the extended register state save (Intel SDM vol. 1, chapter 13). */
#include <cpuid.h>

#include "internal.h"

void bpftime_sh_xsavec(void *area) SH_HIDDEN;
void bpftime_sh_xsave(void *area) SH_HIDDEN;
void bpftime_sh_xrstor(const void *area) SH_HIDDEN;

static uint32_t sh_xsize;
static int sh_xcompact;

void sh_xstate_init(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
		return;
	/* leaf 0xD, sub-leaf 0: ebx = bytes XSAVE needs for the features XCR0 enables */
	__cpuid_count(0xd, 0, a, b, c, d);
	sh_xsize = b;
	/* sub-leaf 1: eax bit 1 = XSAVEC, whose compacted area is never larger */
	__cpuid_count(0xd, 1, a, b, c, d);
	sh_xcompact = (a >> 1) & 1;
}

uint32_t sh_xstate_size(void)
{
	return sh_xsize;
}

void sh_xstate_save(void *area)
{
	if (sh_xcompact)
		bpftime_sh_xsavec(area);
	else
		bpftime_sh_xsave(area);
}

void sh_xstate_restore(const void *area)
{
	bpftime_sh_xrstor(area);
}
