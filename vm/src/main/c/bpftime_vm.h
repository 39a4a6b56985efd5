/*
 * The eBPF virtual machine of the data plane: load a program once, run it many times.
 *
 * A struct bpftime_vm holds one loaded program with its helper table, its tail-call hook and its
 * run-time options. Configure it (helpers, hook, options, regions), load it, then call
 * bpftime_vm_exec from any number of threads at once: execution only reads the VM and keeps its
 * registers and stack frames on the calling thread's C stack. Changing a VM while it runs is not
 * supported.
 *
 * Statuses of execution are the enum below; load and configuration return 0 or a negative errno.
 */
#ifndef BPFTIME_VM_H
#define BPFTIME_VM_H

#include <stddef.h>
#include <stdint.h>

#define BPFTIME_VM_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's limits: MAX_CALL_FRAMES and MAX_BPF_STACK (include/linux/bpf_verifier.h, filter.h). */
#define BPFTIME_VM_MAX_FRAMES 8
#define BPFTIME_VM_FRAME_BYTES 512
/* MAX_TAIL_CALL_CNT (include/linux/bpf.h): the 34th tail call of one invocation falls through. */
#define BPFTIME_VM_MAX_TAIL_CALLS 33
/* BPF_COMPLEXITY_LIMIT_INSNS (include/linux/bpf.h), counted in 8-byte slots. */
#define BPFTIME_VM_MAX_SLOTS 1000000u
/* Helper ids are table indexes; the kernel's go to about 210, bpftime's own may sit above. */
#define BPFTIME_VM_MAX_HELPER_ID 65535u
/* BPF_FUNC_tail_call (include/uapi/linux/bpf.h). */
#define BPFTIME_VM_HELPER_TAIL_CALL 12u

/* A helper receives r1..r5 and returns the new r0. */
typedef uint64_t (*bpftime_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

struct bpftime_vm;

/*
 * What an lddw of a subprogram (src BPF_PSEUDO_FUNC, a callback for bpf_loop and the like) puts in
 * its register, on the interpreter and in JIT images alike: a descriptor whose code is at
 * (const char *)cb + cb->entry_offset and is called as entry(cb, r1, ..., r5), running the
 * subprogram with r1..r5 in a fresh stack frame and returning its r0. Self-relative, so a JIT
 * image keeps it position-independent.
 */
struct bpftime_callback {
    int64_t entry_offset;
};
typedef uint64_t (*bpftime_callback_entry)(const struct bpftime_callback *cb, uint64_t r1, uint64_t r2, uint64_t r3,
                                           uint64_t r4, uint64_t r5);

static inline uint64_t bpftime_callback_call(const struct bpftime_callback *cb, uint64_t r1, uint64_t r2,
                                             uint64_t r3, uint64_t r4, uint64_t r5)
{
    bpftime_callback_entry entry = (bpftime_callback_entry)(uintptr_t)((uintptr_t)cb + (uintptr_t)cb->entry_offset);
    return entry(cb, r1, r2, r3, r4, r5);
}

/*
 * Resolves bpf_tail_call(ctx, prog_array, index): the program at that index of the prog array whose
 * handle the program passed in r2, or NULL when the slot is empty or out of range. The interpreter
 * then checks that the target's frames (bpftime_vm_frames) fit in those the caller has left.
 */
typedef const struct bpftime_vm *(*bpftime_tail_call_fn)(void *cookie, uint64_t prog_array, uint32_t index);

enum bpftime_vm_status {
    BPFTIME_VM_OK = 0,
    BPFTIME_VM_E_NOT_LOADED = 1,
    /* Bounds-checking mode only: a load or store outside the stack frames and registered regions. */
    BPFTIME_VM_E_LOAD_OUT_OF_BOUNDS = 2,
    BPFTIME_VM_E_STORE_OUT_OF_BOUNDS = 3,
    /* A ninth nested bpf-to-bpf call. */
    BPFTIME_VM_E_CALL_DEPTH = 4,
    /* A call of a helper id that has no function registered. */
    BPFTIME_VM_E_UNKNOWN_HELPER = 5,
    /* Bounds-checking mode only: more instructions executed than the VM's limit. */
    BPFTIME_VM_E_INSTRUCTION_LIMIT = 6,
    /* An opcode without a handler: only a program changed after its load can get here. */
    BPFTIME_VM_E_INVALID_INSTRUCTION = 7,
};

/* Where and why an execution stopped early; filled by bpftime_vm_exec_ex. */
struct bpftime_vm_fault {
    int32_t status;      /* enum bpftime_vm_status */
    uint32_t pc;         /* slot of the faulting instruction in the running program */
    uint64_t addr;       /* the address of an out-of-bounds access, or the helper id */
    uint32_t size;       /* the width of an out-of-bounds access */
    uint32_t tail_calls; /* tail calls taken before the fault (0: the entry program) */
};

BPFTIME_VM_API struct bpftime_vm *bpftime_vm_create(void);
BPFTIME_VM_API void bpftime_vm_destroy(struct bpftime_vm *vm);

/*
 * Checks and copies little-endian instruction bytes. Refuses unknown opcodes, registers above r10,
 * writes to r10, jumps and calls out of range or into the second half of an lddw, a program that
 * does not end with exit or ja, and programs longer than BPFTIME_VM_MAX_SLOTS. On refusal returns
 * -EINVAL (-E2BIG when too long, -EEXIST when already loaded) and writes a message naming the
 * instruction ("at instruction N: ...") into err.
 */
BPFTIME_VM_API int bpftime_vm_load(struct bpftime_vm *vm, const void *code, size_t code_len, char *err,
                                   size_t err_len);
BPFTIME_VM_API uint32_t bpftime_vm_slot_count(const struct bpftime_vm *vm);
/*
 * The stack frames the loaded program needs, counted as the JIT counts them (JitImage.frames): its
 * deepest chain of bpf-to-bpf calls, whether it makes tail calls or not. A tail call into it from
 * frame depth d (0 in the main program) falls through when this exceeds 8 - d.
 */
BPFTIME_VM_API uint32_t bpftime_vm_frames(const struct bpftime_vm *vm);

BPFTIME_VM_API int bpftime_vm_register_helper(struct bpftime_vm *vm, uint32_t id, bpftime_helper_fn fn);
/* With a hook set, helper id BPFTIME_VM_HELPER_TAIL_CALL performs a tail call instead of a helper call. */
BPFTIME_VM_API void bpftime_vm_set_tail_call_hook(struct bpftime_vm *vm, bpftime_tail_call_fn fn, void *cookie);
/*
 * The bpf_conformance suite's "unwind" helper: after a call of helper id the program stops with
 * r0 = 0 when the helper returned 0. A negative id turns it off (the default).
 */
BPFTIME_VM_API void bpftime_vm_set_unwind_helper(struct bpftime_vm *vm, int64_t id);

/*
 * Bounds-checking mode, for conformance and fuzz tests: loads and stores may only touch the live
 * stack frames, the context passed to exec and the registered regions; anything else stops the
 * program with a fault instead of touching memory. Verified programs run without it.
 */
BPFTIME_VM_API void bpftime_vm_set_bounds_check(struct bpftime_vm *vm, int enabled);
BPFTIME_VM_API int bpftime_vm_add_region(struct bpftime_vm *vm, const void *start, size_t len);
/* Bounds-checking mode only: stop after this many executed instructions (0: no limit). */
BPFTIME_VM_API void bpftime_vm_set_instruction_limit(struct bpftime_vm *vm, uint64_t limit);

/*
 * Runs the program with r1 = ctx and r2 = ctx_len (the second is the bpf_conformance and uBPF
 * convention; kernel programs read only r1). Stores r0 in *result and returns BPFTIME_VM_OK, or
 * returns another status when the program stopped early.
 */
BPFTIME_VM_API int bpftime_vm_exec(const struct bpftime_vm *vm, void *ctx, size_t ctx_len, uint64_t *result);
BPFTIME_VM_API int bpftime_vm_exec_ex(const struct bpftime_vm *vm, void *ctx, size_t ctx_len, uint64_t *result,
                                      struct bpftime_vm_fault *fault);

/* One line describing a fault ("at instruction N: ..."), snprintf-style. */
BPFTIME_VM_API int bpftime_vm_fault_message(const struct bpftime_vm_fault *fault, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
