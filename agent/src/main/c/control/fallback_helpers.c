/*
 * A minimal helper table for the agent until s2-agent-helpers' bpftime_helper_table() is merged
 * (AGENT-TEAM.md, interface 1); this file is deleted then. It holds what opensnoop-like tools call,
 * with the kernel's semantics (kernel/trace/bpf_trace.c, kernel/bpf/helpers.c); every other id is a
 * stub returning -ENOSYS, so that every entry is non-null as the JIT's table requires.
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "bpftime_map.h"
#include "bpftime_perfbuf.h"
#include "bpftime_probe.h"
#include "bpftime_ringbuf.h"
#include "bpftime_syscall_hooks.h"
#include "control.h"

#define FALLBACK_TABLE_SIZE 213

typedef uint64_t (*helper)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static long raw(long nr, long a, long b, long c, long d, long e)
{
	return bpftime_syscall_hooks_raw(nr, a, b, c, d, e, 0);
}

static uint64_t unsupported(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return (uint64_t)-ENOSYS;
}

static uint64_t map_lookup(uint64_t map, uint64_t key, uint64_t c, uint64_t d, uint64_t e)
{
	return (uintptr_t)bpftime_map_lookup_elem((struct bpftime_map *)map, (const void *)key);
}

static uint64_t map_update(uint64_t map, uint64_t key, uint64_t value, uint64_t flags, uint64_t e)
{
	return (uint64_t)bpftime_map_update_elem((struct bpftime_map *)map, (const void *)key, (const void *)value, flags);
}

static uint64_t map_delete(uint64_t map, uint64_t key, uint64_t c, uint64_t d, uint64_t e)
{
	return (uint64_t)bpftime_map_delete_elem((struct bpftime_map *)map, (const void *)key);
}

/* A read that fails with -EFAULT and a zeroed destination instead of faulting (bpf_probe_read_user). */
static uint64_t probe_read(uint64_t dst, uint64_t size, uint64_t src, uint64_t d, uint64_t e)
{
	struct iovec local = { (void *)dst, size }, remote = { (void *)src, size };
	long n = size ? raw(SYS_process_vm_readv, raw(SYS_getpid, 0, 0, 0, 0, 0), (long)&local, 1, (long)&remote, 1) : 0;
	if (n == (long)size)
		return 0;
	memset((void *)dst, 0, size);
	return (uint64_t)-EFAULT;
}

/* bpf_probe_read_user_str: at most size bytes including the NUL; the length with it, or -EFAULT. */
static uint64_t probe_read_str(uint64_t dst, uint64_t size, uint64_t src, uint64_t d, uint64_t e)
{
	char *out = (char *)dst;
	uint64_t done = 0;
	if (!size)
		return 0;
	while (done < size) {
		/* read up to the end of the source page, never across it in one go */
		uint64_t chunk = 4096 - ((src + done) & 4095);
		if (chunk > size - done)
			chunk = size - done;
		if (probe_read((uint64_t)(out + done), chunk, src + done, 0, 0) != 0) {
			if (done == 0) {
				out[0] = 0;
				return (uint64_t)-EFAULT;
			}
			break;
		}
		void *nul = memchr(out + done, 0, chunk);
		if (nul)
			return (uint64_t)((char *)nul - out + 1);
		done += chunk;
	}
	out[size - 1] = 0;
	return size;
}

static uint64_t probe_read_kernel(uint64_t dst, uint64_t size, uint64_t src, uint64_t d, uint64_t e)
{
	memset((void *)dst, 0, size);
	return (uint64_t)-EFAULT;
}

static uint64_t ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t ktime(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return ns(CLOCK_MONOTONIC);
}

static uint64_t ktime_boot(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return ns(CLOCK_BOOTTIME);
}

static uint64_t ktime_coarse(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return ns(CLOCK_MONOTONIC_COARSE);
}

static uint64_t prandom(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	static __thread uint64_t s;
	if (!s)
		s = ns(CLOCK_MONOTONIC) | 1;
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (uint32_t)s;
}

static uint64_t cpu(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return bpftime_current_cpu_slot();
}

static uint64_t pid_tgid(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return ((uint64_t)raw(SYS_getpid, 0, 0, 0, 0, 0) << 32) | (uint32_t)raw(SYS_gettid, 0, 0, 0, 0, 0);
}

static uint64_t uid_gid(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return ((uint64_t)raw(SYS_getgid, 0, 0, 0, 0, 0) << 32) | (uint32_t)raw(SYS_getuid, 0, 0, 0, 0, 0);
}

static uint64_t comm(uint64_t buf, uint64_t size, uint64_t c, uint64_t d, uint64_t e)
{
	char name[16] = { 0 };
	if (!size)
		return (uint64_t)-EINVAL;
	raw(SYS_prctl, PR_GET_NAME, (long)name, 0, 0, 0);
	name[15] = 0;
	size_t n = strnlen(name, 15);
	if (n >= size)
		n = size - 1;
	memset((void *)buf, 0, size);
	memcpy((void *)buf, name, n);
	return 0;
}

static uint64_t perf_output(uint64_t ctx, uint64_t map, uint64_t flags, uint64_t data, uint64_t size)
{
	return (uint64_t)bpftime_perf_event_output((struct bpftime_map *)map, flags, (const void *)data, size);
}

static uint64_t rb_output(uint64_t map, uint64_t data, uint64_t size, uint64_t flags, uint64_t e)
{
	return (uint64_t)bpftime_ringbuf_output((struct bpftime_map *)map, (const void *)data, size, flags);
}

static uint64_t rb_reserve(uint64_t map, uint64_t size, uint64_t flags, uint64_t d, uint64_t e)
{
	return (uintptr_t)bpftime_ringbuf_reserve((struct bpftime_map *)map, size, flags);
}

static uint64_t rb_submit(uint64_t sample, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	bpftime_ringbuf_submit_sample((void *)sample, flags);
	return 0;
}

static uint64_t rb_discard(uint64_t sample, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	bpftime_ringbuf_discard_sample((void *)sample, flags);
	return 0;
}

static uint64_t rb_query(uint64_t map, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	return bpftime_ringbuf_query((struct bpftime_map *)map, flags);
}

static uint64_t tail_call_resolver(uint64_t ctx, uint64_t array, uint64_t index, uint64_t frames, uint64_t e)
{
	return (uintptr_t)agent_tail_call_resolve((void *)ctx, (void *)array, (uint32_t)index, frames);
}

static void *table[FALLBACK_TABLE_SIZE];

void *const *agent_helper_table(void)
{
	if (!table[0]) {
		for (unsigned i = 0; i < FALLBACK_TABLE_SIZE; i++)
			table[i] = (void *)unsupported;
		table[1] = (void *)map_lookup;
		table[2] = (void *)map_update;
		table[3] = (void *)map_delete;
		table[4] = (void *)probe_read;
		table[5] = (void *)ktime;
		table[7] = (void *)prandom;
		table[8] = (void *)cpu;
		table[12] = (void *)tail_call_resolver;
		table[14] = (void *)pid_tgid;
		table[15] = (void *)uid_gid;
		table[16] = (void *)comm;
		table[25] = (void *)perf_output;
		table[45] = (void *)probe_read_str;
		table[BPFTIME_HELPER_OVERRIDE_RETURN] = (void *)bpftime_helper_override_return;
		table[112] = (void *)probe_read;
		table[113] = (void *)probe_read_kernel;
		table[114] = (void *)probe_read_str;
		table[115] = (void *)probe_read_kernel;
		table[125] = (void *)ktime_boot;
		table[130] = (void *)rb_output;
		table[131] = (void *)rb_reserve;
		table[132] = (void *)rb_submit;
		table[133] = (void *)rb_discard;
		table[134] = (void *)rb_query;
		table[160] = (void *)ktime_coarse;
		table[BPFTIME_HELPER_GET_FUNC_IP] = (void *)bpftime_helper_get_func_ip;
		table[BPFTIME_HELPER_GET_ATTACH_COOKIE] = (void *)bpftime_helper_get_attach_cookie;
	}
	return table;
}

uint32_t agent_helper_count(void)
{
	return FALLBACK_TABLE_SIZE;
}
