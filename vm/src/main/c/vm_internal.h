/* The layout of a VM, shared by the files of the library and by nothing else. */
#ifndef BPFTIME_VM_INTERNAL_H
#define BPFTIME_VM_INTERNAL_H

#include <stdbool.h>

#include "bpftime_vm.h"
#include "opcodes.h"

#define HIDDEN __attribute__((visibility("hidden")))

struct mem_region {
    uint64_t start;
    uint64_t len;
};

/* A callback of the loaded program: the descriptor its lddw yields, and where it starts. */
struct vm_callback {
    struct bpftime_callback head;
    const struct bpftime_vm *vm;
    uint32_t slot;
};

/* Where a callback's run starts and its arguments. */
struct run_start {
    uint32_t slot;
    uint64_t args[5];
};

struct bpftime_vm {
    struct bpf_insn *insns; /* NULL until loaded */
    struct vm_callback *callbacks;
    uint32_t callback_count;
    uint32_t slot_count;
    uint32_t frames; /* the stack frames it needs (call_frames.c): a tail call into it needs that many free */

    bpftime_helper_fn *helpers; /* indexed by helper id; NULL entries are unknown helpers */
    uint32_t helper_capacity;

    bpftime_tail_call_fn tail_call;
    void *tail_call_cookie;
    int64_t unwind_helper; /* negative: none */

    bool bounds_check;
    struct mem_region *regions;
    uint32_t region_count;
    uint64_t instruction_limit; /* 0: none */
};

/* Checks code and returns the slot count, or a negative errno with a message in err. */
HIDDEN int bpftime_vm_validate(const struct bpf_insn *insns, size_t slots, char *err, size_t err_len);
/* The stack frames a validated program needs, as the JIT counts them; 0, or -1 out of memory. */
HIDDEN int bpftime_vm_count_frames(const struct bpf_insn *insns, size_t slots, uint32_t *frames);

HIDDEN int bpftime_vm_run_fast(const struct bpftime_vm *vm, void *ctx, size_t ctx_len, uint64_t *result,
                               struct bpftime_vm_fault *fault, const struct run_start *start);
HIDDEN int bpftime_vm_run_checked(const struct bpftime_vm *vm, void *ctx, size_t ctx_len, uint64_t *result,
                                  struct bpftime_vm_fault *fault, const struct run_start *start);

#endif
