/* The helpers whose answer depends on the probe being run (include/uapi/linux/bpf.h). */
#include <errno.h>

#include "bpftime_probe.h"
#include "thread_state.h"

static struct probe_hit *current_hit(void)
{
	struct probe_thread *t = probe_thread_self;
	return t ? t->hit : NULL;
}

uint64_t bpftime_helper_override_return(uint64_t regs, uint64_t rc, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct probe_hit *h = current_hit();
	if (!h || !h->can_override)
		return (uint64_t)-EINVAL;
	/* As the kernel's bpf_override_return (kernel/trace/bpf_trace.c): set the return value and
	 * make the probed function return at once. */
	h->regs->ax = rc;
	h->override = 1;
	return 0;
}

uint64_t bpftime_helper_get_func_ip(uint64_t ctx, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct probe_hit *h = current_hit();
	return h ? h->func_ip : 0;
}

uint64_t bpftime_helper_get_attach_cookie(uint64_t ctx, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct probe_hit *h = current_hit();
	return h ? h->cookie : 0;
}
