/*
 * bpf_get_stack for user stacks (kernel/bpf/stackmap.c __bpf_get_stack), walking frame pointers
 * as the kernel's perf_callchain_user does (arch/x86/events/core.c): the probed ip, the caller's
 * return address when the probe is at a function's first instruction (is_uprobe_at_func_entry),
 * then each frame's return address while frames can be read. There is no kernel stack in a
 * traced process: a request for one fails with -EFAULT, as the kernel's does for a task without
 * one.
 */
#include <errno.h>
#include <string.h>

#include "bpftime_map.h"
#include "helpers_internal.h"

#define F_SKIP_FIELD_MASK 0xffull
#define F_USER_STACK (1ull << 8)
#define F_FAST_STACK_CMP (1ull << 9)
#define F_REUSE_STACKID (1ull << 10)
#define F_USER_BUILD_ID (1ull << 11)
#define MAP_TYPE_STACK_TRACE 7
/* sysctl kernel.perf_event_max_stack's default (PERF_MAX_STACK_DEPTH). */
#define MAX_STACK 127
#define BUILD_ID_SIZE 20
#define STACK_BUILD_ID_IP 2

/* struct bpf_stack_build_id (include/uapi/linux/bpf.h) */
struct stack_build_id {
	int32_t status;
	unsigned char build_id[BUILD_ID_SIZE];
	uint64_t ip;
};

uint32_t user_callchain(const uint64_t *regs, int at_entry, uint64_t *ips, uint32_t max)
{
	uint32_t n = 0;
	if (n < max)
		ips[n++] = regs[BPFTIME_REG_IP];
	uint64_t ret;
	if (at_entry && n < max && user_read(&ret, regs[BPFTIME_REG_SP], 8) == 0)
		ips[n++] = ret;
	uint64_t fp = regs[BPFTIME_REG_BP];
	while (n < max) {
		uint64_t frame[2]; /* next frame, return address */
		if (user_read(frame, fp, sizeof(frame)) < 0)
			break;
		ips[n++] = frame[1];
		fp = frame[0];
	}
	return n;
}

/* bpf_get_stack(ctx, buf, size, flags): bytes written, the rest of buf zeroed; -EINVAL for bad
 * flags or a size not a multiple of an element, -EFAULT when no stack can be had. */
HELPER(get_stack)
{
	void *buf = PTR(r2);
	uint64_t size = (uint32_t)r3, flags = r4;
	long err = -EINVAL;
	int user = (flags & F_USER_STACK) != 0, build_id = (flags & F_USER_BUILD_ID) != 0;
	if (flags & ~(F_SKIP_FIELD_MASK | F_USER_STACK | F_USER_BUILD_ID))
		goto clear;
	if (!user && build_id)
		goto clear;
	uint64_t elem = build_id ? sizeof(struct stack_build_id) : sizeof(uint64_t);
	if (size % elem)
		goto clear;
	err = -EFAULT;
	struct bpftime_hit *h = bpftime_current_hit;
	const uint64_t *regs = h && h->regs ? h->regs : PTR(r1);
	if (!user || !regs)
		goto clear;
	uint32_t skip = flags & F_SKIP_FIELD_MASK;
	uint64_t num = size / elem;
	uint64_t max = num + skip < MAX_STACK ? num + skip : MAX_STACK;
	uint64_t ips[MAX_STACK];
	uint32_t nr = user_callchain(regs, h && (h->flags & BPFTIME_HIT_FUNC_ENTRY), ips, (uint32_t)max);
	if (nr < skip)
		goto clear;
	uint64_t count = nr - skip < num ? nr - skip : num;
	if (build_id) {
		/* No build id is looked up: each frame is reported by ip, as the kernel does when it
		 * cannot read one (stack_map_get_build_id_offset). */
		struct stack_build_id *out = buf;
		for (uint64_t i = 0; i < count; i++) {
			memset(&out[i], 0, sizeof(out[i]));
			out[i].status = STACK_BUILD_ID_IP;
			out[i].ip = ips[skip + i];
		}
	} else {
		memcpy(buf, ips + skip, count * elem);
	}
	uint64_t copied = count * elem;
	memset((char *)buf + copied, 0, size - copied);
	return copied;
clear:
	memset(buf, 0, size);
	return (uint64_t)err;
}

/*
 * bpf_get_stackid(ctx, map, flags) (kernel/bpf/stackmap.c bpf_get_stackid): the id of the user
 * stack in a STACK_TRACE map, at most value_size / 8 frames after the skip; -EINVAL for bad
 * flags, -EFAULT for a kernel stack or a skip beyond the stack, -EEXIST when another stack holds
 * the bucket (without BPF_F_REUSE_STACKID), -ENOMEM when the map holds max_entries stacks.
 */
HELPER(get_stackid)
{
	struct bpftime_map *map = PTR(r2);
	uint64_t flags = r3;
	if (flags & ~(F_SKIP_FIELD_MASK | F_USER_STACK | F_FAST_STACK_CMP | F_REUSE_STACKID))
		return (uint64_t)-EINVAL;
	if (!map || bpftime_map_type(map) != MAP_TYPE_STACK_TRACE)
		return (uint64_t)-EINVAL; /* the verifier allows only STACK_TRACE maps here */
	struct bpftime_hit *h = bpftime_current_hit;
	const uint64_t *regs = h && h->regs ? h->regs : PTR(r1);
	if (!(flags & F_USER_STACK) || !regs)
		return (uint64_t)-EFAULT;
	uint32_t skip = flags & F_SKIP_FIELD_MASK;
	uint64_t max = (uint64_t)bpftime_map_value_size(map) / 8 + skip;
	if (max > MAX_STACK)
		max = MAX_STACK;
	uint64_t ips[MAX_STACK];
	uint32_t nr = user_callchain(regs, h && (h->flags & BPFTIME_HIT_FUNC_ENTRY), ips, (uint32_t)max);
	if (nr <= skip)
		return (uint64_t)-EFAULT;
	return (uint64_t)bpftime_stackmap_get_stackid(map, ips + skip, nr - skip, flags);
}
