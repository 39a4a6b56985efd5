/* Creating, configuring and loading a VM; the entry points of execution. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

struct bpftime_vm *bpftime_vm_create(void)
{
    struct bpftime_vm *vm = calloc(1, sizeof(*vm));
    if (vm != NULL) {
        vm->unwind_helper = -1;
    }
    return vm;
}

void bpftime_vm_destroy(struct bpftime_vm *vm)
{
    if (vm == NULL) {
        return;
    }
    free(vm->insns);
    free(vm->callbacks);
    free(vm->helpers);
    free(vm->regions);
    free(vm);
}

/* A callback's run: its subprogram with r1..r5, in a fresh stack, on the VM's engine. A run that
 * stops early (bounds-checking mode) returns 0. */
static uint64_t callback_entry(const struct bpftime_callback *cb, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                               uint64_t r5)
{
    const struct vm_callback *c = (const struct vm_callback *)cb;
    struct run_start start = {c->slot, {r1, r2, r3, r4, r5}};
    struct bpftime_vm_fault fault;
    uint64_t r0 = 0;
    int rc = c->vm->bounds_check ? bpftime_vm_run_checked(c->vm, NULL, 0, &r0, &fault, &start)
                                 : bpftime_vm_run_fast(c->vm, NULL, 0, &r0, &fault, &start);
    return rc == BPFTIME_VM_OK ? r0 : 0;
}

/* Turns each lddw of a subprogram (checked by validate) into an lddw of its callback's descriptor. */
static int bind_callbacks(struct bpftime_vm *vm, struct bpf_insn *insns, size_t slots)
{
    uint32_t n = 0;
    for (size_t i = 0; i + 1 < slots; i++) {
        if (insns[i].code == OP_LDDW) {
            n += INSN_SRC(&insns[i]) == BPF_PSEUDO_FUNC;
            i++;
        }
    }
    if (n == 0) {
        return 0;
    }
    struct vm_callback *cbs = calloc(n, sizeof(*cbs));
    if (cbs == NULL) {
        return -ENOMEM;
    }
    uint32_t k = 0;
    for (size_t i = 0; i + 1 < slots; i++) {
        if (insns[i].code != OP_LDDW) {
            continue;
        }
        if (INSN_SRC(&insns[i]) == BPF_PSEUDO_FUNC) {
            struct vm_callback *c = &cbs[k++];
            c->head.entry_offset = (int64_t)((uintptr_t)callback_entry - (uintptr_t)c);
            c->vm = vm;
            c->slot = (uint32_t)((int64_t)i + 1 + insns[i].imm);
            uint64_t addr = (uint64_t)(uintptr_t)c;
            insns[i].regs &= 0x0f; /* src 0: a plain 64-bit constant */
            insns[i].imm = (int32_t)(uint32_t)addr;
            insns[i + 1].imm = (int32_t)(uint32_t)(addr >> 32);
        }
        i++;
    }
    vm->callbacks = cbs;
    vm->callback_count = n;
    return 0;
}

int bpftime_vm_load(struct bpftime_vm *vm, const void *code, size_t code_len, char *err, size_t err_len)
{
    if (vm->insns != NULL) {
        snprintf(err, err_len, "a program is already loaded: actual %u slots vs expected none", vm->slot_count);
        return -EEXIST;
    }
    if (code_len % sizeof(struct bpf_insn) != 0) {
        snprintf(err, err_len,
                 "at instruction %zu: program length is not a whole number of instructions: "
                 "actual %zu bytes vs expected a multiple of 8",
                 code_len / sizeof(struct bpf_insn), code_len);
        return -EINVAL;
    }
    size_t slots = code_len / sizeof(struct bpf_insn);
    if (slots > BPFTIME_VM_MAX_SLOTS) {
        snprintf(err, err_len, "program too long: actual %zu instructions vs expected at most %u", slots,
                 BPFTIME_VM_MAX_SLOTS);
        return -E2BIG;
    }
    /* Copied first so that the checked instructions are the ones that run. */
    struct bpf_insn *insns = malloc(slots == 0 ? 1 : code_len);
    if (insns == NULL) {
        snprintf(err, err_len, "out of memory copying %zu instructions", slots);
        return -ENOMEM;
    }
    memcpy(insns, code, code_len);
    int rc = bpftime_vm_validate(insns, slots, err, err_len);
    if (rc < 0) {
        free(insns);
        return rc;
    }
    uint32_t frames;
    if (bpftime_vm_count_frames(insns, slots, &frames) < 0) {
        snprintf(err, err_len, "out of memory counting the call frames of %zu instructions", slots);
        free(insns);
        return -ENOMEM;
    }
    rc = bind_callbacks(vm, insns, slots);
    if (rc < 0) {
        snprintf(err, err_len, "out of memory for the callbacks of %zu instructions", slots);
        free(insns);
        return rc;
    }
    vm->insns = insns;
    vm->slot_count = (uint32_t)slots;
    vm->frames = frames;
    return 0;
}

uint32_t bpftime_vm_slot_count(const struct bpftime_vm *vm)
{
    return vm->slot_count;
}

uint32_t bpftime_vm_frames(const struct bpftime_vm *vm)
{
    return vm->frames;
}

int bpftime_vm_register_helper(struct bpftime_vm *vm, uint32_t id, bpftime_helper_fn fn)
{
    if (id > BPFTIME_VM_MAX_HELPER_ID) {
        return -EINVAL;
    }
    if (id >= vm->helper_capacity) {
        uint32_t capacity = vm->helper_capacity == 0 ? 64 : vm->helper_capacity;
        while (capacity <= id) {
            capacity *= 2;
        }
        bpftime_helper_fn *grown = realloc(vm->helpers, capacity * sizeof(*grown));
        if (grown == NULL) {
            return -ENOMEM;
        }
        memset(grown + vm->helper_capacity, 0, (capacity - vm->helper_capacity) * sizeof(*grown));
        vm->helpers = grown;
        vm->helper_capacity = capacity;
    }
    vm->helpers[id] = fn;
    return 0;
}

void bpftime_vm_set_tail_call_hook(struct bpftime_vm *vm, bpftime_tail_call_fn fn, void *cookie)
{
    vm->tail_call = fn;
    vm->tail_call_cookie = cookie;
}

void bpftime_vm_set_unwind_helper(struct bpftime_vm *vm, int64_t id)
{
    vm->unwind_helper = id < 0 ? -1 : id;
}

void bpftime_vm_set_bounds_check(struct bpftime_vm *vm, int enabled)
{
    vm->bounds_check = enabled != 0;
}

int bpftime_vm_add_region(struct bpftime_vm *vm, const void *start, size_t len)
{
    struct mem_region *grown = realloc(vm->regions, (vm->region_count + 1) * sizeof(*grown));
    if (grown == NULL) {
        return -ENOMEM;
    }
    grown[vm->region_count].start = (uint64_t)(uintptr_t)start;
    grown[vm->region_count].len = len;
    vm->regions = grown;
    vm->region_count++;
    return 0;
}

void bpftime_vm_set_instruction_limit(struct bpftime_vm *vm, uint64_t limit)
{
    vm->instruction_limit = limit;
}

int bpftime_vm_exec_ex(const struct bpftime_vm *vm, void *ctx, size_t ctx_len, uint64_t *result,
                       struct bpftime_vm_fault *fault)
{
    struct bpftime_vm_fault ignored;
    uint64_t discarded;
    if (fault == NULL) {
        fault = &ignored;
    }
    if (result == NULL) {
        result = &discarded;
    }
    memset(fault, 0, sizeof(*fault));
    if (vm->insns == NULL) {
        fault->status = BPFTIME_VM_E_NOT_LOADED;
        return BPFTIME_VM_E_NOT_LOADED;
    }
    return vm->bounds_check ? bpftime_vm_run_checked(vm, ctx, ctx_len, result, fault, NULL)
                            : bpftime_vm_run_fast(vm, ctx, ctx_len, result, fault, NULL);
}

int bpftime_vm_exec(const struct bpftime_vm *vm, void *ctx, size_t ctx_len, uint64_t *result)
{
    return bpftime_vm_exec_ex(vm, ctx, ctx_len, result, NULL);
}
