/*
 * What the agent's end-to-end programs share about the marker file (agent_probes.bpf.c,
 * agent_override.bpf.c): the loader sets the marker before load (a .rodata constant, as libbpf tools
 * configure themselves), and their syscalls:sys_enter_openat program acts only on opens of paths
 * starting with it, so the traced process's other opens do not count.
 */
#ifndef AGENT_MARKER_BPF_H
#define AGENT_MARKER_BPF_H

#define MARKER_LEN 24

const volatile char marker[MARKER_LEN] = {};

/* syscalls:sys_enter_openat's tracefs format. */
struct openat_args {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 dfd;
	__u64 filename;
	__u64 flags;
	__u64 mode;
};

/* Whether the opened path starts with the marker. */
static __always_inline int opens_marker(const struct openat_args *ctx)
{
	char path[MARKER_LEN] = {};

	bpf_probe_read_user_str(path, sizeof(path), (const void *)ctx->filename);
	for (int i = 0; i < MARKER_LEN; i++) {
		if (marker[i] == 0)
			break;
		if (path[i] != marker[i])
			return 0;
	}
	return 1;
}

#endif
