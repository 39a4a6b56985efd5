/*
 * The helper table both engines call through, indexed by helper id, and the tail-call resolver
 * at entry 12 (jit/README.md). The ids are enum bpf_func_id's (include/uapi/linux/bpf.h).
 */
#include <errno.h>

#include "bpftime_map.h"
#include "helpers_internal.h"

enum {
	ID_MAP_LOOKUP_ELEM = 1, ID_MAP_UPDATE_ELEM = 2, ID_MAP_DELETE_ELEM = 3, ID_PROBE_READ = 4,
	ID_KTIME_GET_NS = 5, ID_TRACE_PRINTK = 6, ID_GET_PRANDOM_U32 = 7, ID_GET_SMP_PROCESSOR_ID = 8,
	ID_TAIL_CALL = 12, ID_GET_CURRENT_PID_TGID = 14, ID_GET_CURRENT_UID_GID = 15,
	ID_GET_CURRENT_COMM = 16, ID_PERF_EVENT_OUTPUT = 25, ID_GET_STACKID = 27, ID_PROBE_WRITE_USER = 36, ID_CURRENT_TASK_UNDER_CGROUP = 37,
	ID_PROBE_READ_STR = 45, ID_OVERRIDE_RETURN = 58, ID_GET_STACK = 67, ID_GET_CURRENT_CGROUP_ID = 80, ID_SPIN_LOCK = 93, ID_SPIN_UNLOCK = 94, ID_SEND_SIGNAL = 109,
	ID_PROBE_READ_USER = 112, ID_PROBE_READ_KERNEL = 113, ID_PROBE_READ_USER_STR = 114,
	ID_PROBE_READ_KERNEL_STR = 115, ID_SEND_SIGNAL_THREAD = 117, ID_GET_CURRENT_ANCESTOR_CGROUP_ID = 123, ID_KTIME_GET_BOOT_NS = 125,
	ID_RINGBUF_OUTPUT = 130, ID_RINGBUF_RESERVE = 131, ID_RINGBUF_SUBMIT = 132,
	ID_RINGBUF_DISCARD = 133, ID_RINGBUF_QUERY = 134, ID_KTIME_GET_COARSE_NS = 160,
	ID_FOR_EACH_MAP_ELEM = 164, ID_SNPRINTF = 165, ID_GET_FUNC_IP = 173, ID_GET_ATTACH_COOKIE = 174,
	ID_LOOP = 181, ID_STRNCMP = 182, ID_GET_FUNC_ARG = 183, ID_GET_FUNC_RET = 184,
	ID_GET_FUNC_ARG_CNT = 185, ID_MAP_LOOKUP_PERCPU_ELEM = 195,
};

static void *(*prog_resolver)(uint32_t prog_id, uint64_t frames_free);

void bpftime_helpers_set_prog_resolver(void *(*tail_call_entry)(uint32_t prog_id, uint64_t frames_free))
{
	__atomic_store_n(&prog_resolver, tail_call_entry, __ATOMIC_RELEASE);
}

static void *resolve(uint64_t prog_array, uint32_t index, uint64_t frames_free)
{
	void *(*r)(uint32_t, uint64_t) = __atomic_load_n(&prog_resolver, __ATOMIC_ACQUIRE);
	uint32_t id = prog_array ? bpftime_fd_array_get(PTR(prog_array), index) : 0;
	return r && id ? r(id, frames_free) : NULL;
}

/* The JIT's resolver(ctx, prog_array, index, frames_free): the target's tail-call entry or NULL. */
HELPER(tail_call)
{
	return (uint64_t)(uintptr_t)resolve(r2, (uint32_t)r3, r4);
}

const void *bpftime_helpers_vm_tail_call(void *cookie, uint64_t prog_array, uint32_t index)
{
	return resolve(prog_array, index, UINT64_MAX);
}

/* What an id the runtime lacks holds; the service refuses programs calling one, so it never runs. */
static uint64_t unsupported(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return (uint64_t)-EOPNOTSUPP;
}

#define E(id, name) [id] = (void *)bpftime_h_##name

static void *const implemented[BPFTIME_HELPER_TABLE_SIZE] = {
	E(ID_MAP_LOOKUP_ELEM, map_lookup_elem),
	E(ID_MAP_UPDATE_ELEM, map_update_elem),
	E(ID_MAP_DELETE_ELEM, map_delete_elem),
	E(ID_PROBE_READ, probe_read),
	E(ID_KTIME_GET_NS, ktime_get_ns),
	E(ID_TRACE_PRINTK, trace_printk),
	E(ID_GET_PRANDOM_U32, get_prandom_u32),
	E(ID_GET_SMP_PROCESSOR_ID, get_smp_processor_id),
	E(ID_TAIL_CALL, tail_call),
	E(ID_GET_CURRENT_PID_TGID, get_current_pid_tgid),
	E(ID_GET_CURRENT_UID_GID, get_current_uid_gid),
	E(ID_GET_CURRENT_COMM, get_current_comm),
	E(ID_PERF_EVENT_OUTPUT, perf_event_output),
	E(ID_GET_STACKID, get_stackid),
	E(ID_PROBE_WRITE_USER, probe_write_user),
	E(ID_CURRENT_TASK_UNDER_CGROUP, current_task_under_cgroup),
	E(ID_PROBE_READ_STR, probe_read_str),
	E(ID_OVERRIDE_RETURN, override_return),
	E(ID_GET_STACK, get_stack),
	E(ID_GET_CURRENT_CGROUP_ID, get_current_cgroup_id),
	E(ID_SPIN_LOCK, spin_lock),
	E(ID_SPIN_UNLOCK, spin_unlock),
	E(ID_SEND_SIGNAL, send_signal),
	E(ID_PROBE_READ_USER, probe_read_user),
	E(ID_PROBE_READ_KERNEL, probe_read_kernel),
	E(ID_PROBE_READ_USER_STR, probe_read_user_str),
	E(ID_PROBE_READ_KERNEL_STR, probe_read_kernel_str),
	E(ID_SEND_SIGNAL_THREAD, send_signal_thread),
	E(ID_GET_CURRENT_ANCESTOR_CGROUP_ID, get_current_ancestor_cgroup_id),
	E(ID_KTIME_GET_BOOT_NS, ktime_get_boot_ns),
	E(ID_RINGBUF_OUTPUT, ringbuf_output),
	E(ID_RINGBUF_RESERVE, ringbuf_reserve),
	E(ID_RINGBUF_SUBMIT, ringbuf_submit),
	E(ID_RINGBUF_DISCARD, ringbuf_discard),
	E(ID_RINGBUF_QUERY, ringbuf_query),
	E(ID_KTIME_GET_COARSE_NS, ktime_get_coarse_ns),
	E(ID_FOR_EACH_MAP_ELEM, for_each_map_elem),
	E(ID_SNPRINTF, snprintf),
	E(ID_GET_FUNC_IP, get_func_ip),
	E(ID_GET_ATTACH_COOKIE, get_attach_cookie),
	E(ID_LOOP, loop),
	E(ID_STRNCMP, strncmp),
	E(ID_GET_FUNC_ARG, get_func_arg),
	E(ID_GET_FUNC_RET, get_func_ret),
	E(ID_GET_FUNC_ARG_CNT, get_func_arg_cnt),
	E(ID_MAP_LOOKUP_PERCPU_ELEM, map_lookup_percpu_elem),
};

static void *table[BPFTIME_HELPER_TABLE_SIZE];

__attribute__((constructor)) static void fill_table(void)
{
	for (uint32_t i = 0; i < BPFTIME_HELPER_TABLE_SIZE; i++)
		table[i] = implemented[i] ? implemented[i] : (void *)unsupported;
}

void *const *bpftime_helper_table(void)
{
	if (!table[0])
		fill_table();
	return table;
}

int bpftime_helper_supported(uint32_t id)
{
	return id < BPFTIME_HELPER_TABLE_SIZE && implemented[id] != NULL;
}

/*
 * The GPR-safe helpers (bpftime_helpers.h): their files are built with -mgeneral-regs-only and
 * checked to call no libc function (helpers.mk), the maps library's program side likewise
 * (maps/Makefile); map_lookup_elem on a map of maps calls the control part's objects_map, GPR-only
 * too. Not marked: tail_call (its target may not be GPR-only), trace_printk and snprintf (glibc's
 * formatting), get_stack/get_stackid, the cgroup helpers (they read files), send_signal (the
 * application's handler may run before the system call returns), loop and for_each_map_elem (their callbacks are the program's, but the callers are not built
 * for it). GprSafeHelpersTest checks each marked one at run time and in the linked agent.
 */
static const uint8_t gpr_safe[BPFTIME_HELPER_TABLE_SIZE] = {
	[ID_MAP_LOOKUP_ELEM] = 1, [ID_MAP_UPDATE_ELEM] = 1, [ID_MAP_DELETE_ELEM] = 1,
	[ID_MAP_LOOKUP_PERCPU_ELEM] = 1, [ID_SPIN_LOCK] = 1, [ID_SPIN_UNLOCK] = 1,
	[ID_PROBE_READ] = 1, [ID_PROBE_READ_USER] = 1, [ID_PROBE_READ_KERNEL] = 1, [ID_PROBE_READ_STR] = 1,
	[ID_PROBE_READ_USER_STR] = 1, [ID_PROBE_READ_KERNEL_STR] = 1, [ID_PROBE_WRITE_USER] = 1,
	[ID_KTIME_GET_NS] = 1, [ID_KTIME_GET_BOOT_NS] = 1, [ID_KTIME_GET_COARSE_NS] = 1,
	[ID_GET_PRANDOM_U32] = 1, [ID_GET_SMP_PROCESSOR_ID] = 1, [ID_GET_CURRENT_PID_TGID] = 1,
	[ID_GET_CURRENT_UID_GID] = 1, [ID_GET_CURRENT_COMM] = 1, [ID_STRNCMP] = 1,
	[ID_PERF_EVENT_OUTPUT] = 1, [ID_RINGBUF_OUTPUT] = 1, [ID_RINGBUF_RESERVE] = 1, [ID_RINGBUF_SUBMIT] = 1,
	[ID_RINGBUF_DISCARD] = 1, [ID_RINGBUF_QUERY] = 1, [ID_GET_FUNC_IP] = 1, [ID_GET_ATTACH_COOKIE] = 1,
	[ID_GET_FUNC_ARG] = 1, [ID_GET_FUNC_RET] = 1, [ID_GET_FUNC_ARG_CNT] = 1, [ID_OVERRIDE_RETURN] = 1,
};

int bpftime_helper_gpr_safe(uint32_t id)
{
	return id < BPFTIME_HELPER_TABLE_SIZE && implemented[id] != NULL && gpr_safe[id];
}

/* BPF_JMP | BPF_CALL (include/uapi/linux/bpf.h); src_reg says what is called (BPF_PSEUDO_CALL 1,
 * BPF_PSEUDO_KFUNC_CALL 2, else a helper id in imm). */
int bpftime_helpers_prog_gpr_only(const void *insns, uint64_t slots)
{
	const uint8_t *in = insns;
	for (uint64_t i = 0; i < slots; i++, in += 8) {
		if (in[0] != 0x85)
			continue;
		int32_t imm;
		__builtin_memcpy(&imm, in + 4, 4);
		uint8_t src = in[1] >> 4;
		if (src == 1)
			continue;
		if (src != 0 || imm == ID_TAIL_CALL || !bpftime_helper_gpr_safe((uint32_t)imm))
			return 0;
	}
	return 1;
}
