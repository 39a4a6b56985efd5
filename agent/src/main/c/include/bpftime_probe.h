/*
 * The probe engine of the agent: uprobes and uretprobes inside the traced process.
 *
 * The agent's control part resolves an attachment (binary path and file offset, as the kernel's
 * uprobe PMU takes them), links the program, and calls bpftime_probe_attach; the engine patches the
 * function while other threads run and returns an id for bpftime_probe_detach. A probe hit runs the
 * program with ctx = a struct bpftime_pt_regs holding the registers at the probe (the kernel's x86-64
 * struct pt_regs, arch/x86/include/asm/ptrace.h), so programs compiled against vmlinux.h read it
 * unchanged.
 *
 * Attach and detach are serialised internally and may be called from any thread except from inside
 * a program. Detach returns only when no thread can still be running the detached program, so the
 * caller may free it afterwards.
 */
#ifndef BPFTIME_PROBE_H
#define BPFTIME_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpftime_pt_regs.h" /* native-support: struct bpftime_pt_regs */

#define BPFTIME_PROBE_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

enum bpftime_probe_kind {
	BPFTIME_PROBE_ENTRY = 0,  /* uprobe: runs when execution reaches the address */
	BPFTIME_PROBE_RETURN = 1, /* uretprobe: runs when the function entered at the address returns */
};

/* Flags of a spec. */
#define BPFTIME_PROBE_F_INT3 0x1u /* never patch with a jump: always the breakpoint path (tests) */

struct bpftime_probe_spec {
	uint32_t kind;     /* enum bpftime_probe_kind */
	uint32_t flags;    /* BPFTIME_PROBE_F_* */
	const char *path;  /* a file mapped executable in this process; NULL: `offset` is an address */
	uint64_t offset;   /* the file offset of the probed instruction (the kernel uprobe's offset) */
};

/* A program to run: a linked JIT image's entry point, or a loaded interpreter VM. */
struct bpftime_vm;
typedef uint64_t (*bpftime_jit_fn)(void *ctx, uint64_t r2);
struct bpftime_probe_prog {
	bpftime_jit_fn jit;           /* non-NULL: called with (ctx, 0) */
	const struct bpftime_vm *vm;  /* used when jit is NULL */
	uint32_t flags;               /* BPFTIME_PROBE_PROG_F_* */
};

/*
 * The JIT image, with every helper it calls, touches no vector or x87 register and leaves errno
 * alone: an image calling no helper, or only helpers built with -mgeneral-regs-only that set no
 * errno (the caller, which links the image, knows which). A hit of a site whose programs all say so
 * skips saving the vector registers and errno (a few ns at a function's entry, an XSAVE of the whole
 * state elsewhere). Ignored for an interpreter program.
 */
#define BPFTIME_PROBE_PROG_F_GPR_ONLY 0x1u
/*
 * The JIT image calls no helper (it may call its own subprograms): nothing it runs reads the hit's
 * cookie, function address or override, nor touches a vector register or errno (so GPR_ONLY is
 * implied). A site whose only entry program says so, and that has no return program, runs it
 * straight from its trampoline, without entering the engine's C code. Ignored for an interpreter
 * program.
 */
#define BPFTIME_PROBE_PROG_F_NO_HELPERS 0x2u

/*
 * Attaches prog at the probe spec describes, with the attach cookie bpf_get_attach_cookie returns.
 * Returns a positive id, or -EINVAL (bad spec, not an instruction boundary), -ENOENT (path not
 * mapped or offset outside its executable mappings), -EOPNOTSUPP (an instruction at the address the
 * engine cannot move or emulate), -EPERM (the address is in the agent itself), -EACCES (code that
 * is not readable, or in a shared mapping a write would change for others), -EBUSY (another
 * breakpoint, or inside the bytes another probe's jump replaced), -ENOMEM, -ENOSPC (too many
 * probes), or another -errno from the system.
 */
BPFTIME_PROBE_API int bpftime_probe_attach(const struct bpftime_probe_spec *spec, struct bpftime_probe_prog prog,
					   uint64_t cookie);

/* Detaches; when it returns, no thread runs or will run the program for this attachment. */
BPFTIME_PROBE_API int bpftime_probe_detach(int id);

/*
 * Detaches a probe whose code is gone (its file unmapped, or mapped again elsewhere: no thread can
 * hit it any more) while thread `parked` waits for the caller from inside the program of another
 * site (the agent's dynamic-loader watch, dl_watch.c), whose list is the only one it reads: as
 * bpftime_probe_detach, but not waiting for that thread's read section.
 */
BPFTIME_PROBE_API int bpftime_probe_detach_parked(int id, pid_t parked);

/*
 * A site is armed with int3 at once and works from then; its jump is written when no other thread
 * can be stopped inside the bytes the jump replaces (immediately in a single-threaded process, and
 * at once when it can be told). This completes pending jumps, waiting up to timeout_ms, and returns
 * how many sites still wait. Attach and detach also complete what they can; the agent's control
 * loop calls this now and then.
 */
BPFTIME_PROBE_API int bpftime_probe_poll(int timeout_ms);

/* How a probe site is implemented. */
enum bpftime_probe_mode {
	BPFTIME_PROBE_MODE_INLINE = 1, /* a jump to a trampoline */
	BPFTIME_PROBE_MODE_INT3 = 2,   /* a breakpoint and the SIGTRAP handler */
};

struct bpftime_probe_info {
	uint64_t address;   /* the probed instruction */
	uint32_t mode;      /* enum bpftime_probe_mode */
	uint32_t kind;      /* enum bpftime_probe_kind */
	uint64_t misses;    /* hits of the site whose programs did not run (nested in a program, no thread slot) */
	char why_int3[64];  /* for an int3 site: why no trampoline fits */
};

BPFTIME_PROBE_API int bpftime_probe_info(int id, struct bpftime_probe_info *info);

/*
 * Syscall tracepoints: syscalls:sys_enter_NAME / sys_exit_NAME (nr = the syscall's number) and
 * raw_syscalls:sys_enter / sys_exit (nr = BPFTIME_TRACEPOINT_RAW) inside the process, on the
 * syscall-hooks library (syscall-hooks/README.md). A hit runs the program with ctx = the event's
 * record as the kernel gives it to a program (bpftime_syscall_ctx.h: the tracefs format, its first 8
 * bytes the syscall's struct bpftime_pt_regs address). A sys_enter program may skip the syscall with
 * bpf_override_return. Numbers with nothing attached cost nothing more than the hooks' pass-through,
 * and sys_enter programs flagged BPFTIME_PROBE_PROG_F_NO_HELPERS run from the hooks' fast path.
 */
#define BPFTIME_TRACEPOINT_RAW (-1)
struct bpftime_tracepoint_spec {
	int32_t nr;    /* the syscall's number, 0..511, or BPFTIME_TRACEPOINT_RAW */
	uint32_t exit; /* 0: sys_enter, 1: sys_exit */
};

/* Installs the syscall hooks in this process (once, before other threads start; later calls do
 * nothing). 0, or the hooks' -errno (-ENOSYS: no Syscall User Dispatch in this kernel). */
BPFTIME_PROBE_API int bpftime_tracepoint_install(void);

/* Attaches prog; a positive id, or -EINVAL (bad spec, no program), -ENOSYS (not installed),
 * -ENOMEM. */
BPFTIME_PROBE_API int bpftime_tracepoint_attach(const struct bpftime_tracepoint_spec *spec,
						struct bpftime_probe_prog prog, uint64_t cookie);

/* Detaches; when it returns, no thread runs or will run the program for this attachment. 0 or
 * -ENOENT. */
BPFTIME_PROBE_API int bpftime_tracepoint_detach(int id);

/*
 * Helpers bound to the probe being run, for the helper table (ids from include/uapi/linux/bpf.h).
 * They take the BPF registers r1..r5 as every helper does.
 */
#define BPFTIME_HELPER_OVERRIDE_RETURN 58
#define BPFTIME_HELPER_GET_FUNC_IP 173
#define BPFTIME_HELPER_GET_ATTACH_COOKIE 174
/* bpf_override_return(regs, rc): the probed function returns rc without running (entry probes at a
 * function's first instruction only); 0, or -EINVAL elsewhere. */
BPFTIME_PROBE_API uint64_t bpftime_helper_override_return(uint64_t regs, uint64_t rc, uint64_t, uint64_t, uint64_t);
/* bpf_get_func_ip(ctx): the probed address (uprobe) or the function's address (uretprobe). */
BPFTIME_PROBE_API uint64_t bpftime_helper_get_func_ip(uint64_t ctx, uint64_t, uint64_t, uint64_t, uint64_t);
/* bpf_get_attach_cookie(ctx): the cookie given at attach. */
BPFTIME_PROBE_API uint64_t bpftime_helper_get_attach_cookie(uint64_t ctx, uint64_t, uint64_t, uint64_t, uint64_t);

#ifdef __cplusplus
}
#endif

#endif
