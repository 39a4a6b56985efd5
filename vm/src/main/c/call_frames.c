/*
 * The stack frames a program needs wherever it runs, a tail call's target included, counted as the JIT
 * counts them (dev.bpftime.jit.ProgramAnalysis, JitImage.frames) so that both engines accept and refuse
 * the same tail calls: the deepest chain of bpf-to-bpf calls from the main program or from a callback.
 * Its own tail calls do not add to it: each is checked against the frames left when it is made. The JIT
 * refuses recursion and chains deeper than the kernel's eight frames; the interpreter runs them and
 * stops at the ninth call (BPFTIME_VM_E_CALL_DEPTH), so for it they count as all eight.
 */
#include <stdlib.h>

#include "vm_internal.h"

/* Where a call or an lddw of a subprogram at slot i goes (validate checked it is inside the program). */
static size_t target_of(const struct bpf_insn *insns, size_t i)
{
    return (size_t)((int64_t)i + 1 + insns[i].imm);
}

static bool is_local_call(const struct bpf_insn *insn)
{
    return insn->code == OP_CALL && INSN_SRC(insn) == BPF_PSEUDO_CALL;
}

int bpftime_vm_count_frames(const struct bpf_insn *insns, size_t slots, uint32_t *frames)
{
    if (slots == 0) {
        *frames = 1;
        return 0;
    }
    /* sub[i]: the subprogram slot i belongs to; depth[s]: the frames of s's deepest chain, capped. */
    uint32_t *sub = calloc(slots, sizeof(*sub));
    uint8_t *start = calloc(slots, 1);
    uint8_t *root = calloc(slots, 1);
    if (sub == NULL || start == NULL || root == NULL) {
        free(sub);
        free(start);
        free(root);
        return -1;
    }
    start[0] = root[0] = 1;
    for (size_t i = 0; i < slots; i++) {
        const struct bpf_insn *insn = &insns[i];
        if (is_local_call(insn)) {
            start[target_of(insns, i)] = 1;
        } else if (insn->code == OP_LDDW) {
            if (INSN_SRC(insn) == BPF_PSEUDO_FUNC) {
                start[target_of(insns, i)] = root[target_of(insns, i)] = 1;
            }
            i++;
        }
    }
    uint32_t n = 0;
    for (size_t i = 0; i < slots; i++) {
        n += start[i];
        sub[i] = n - 1;
    }
    uint8_t *depth = malloc(n);
    if (depth == NULL) {
        free(sub);
        free(start);
        free(root);
        return -1;
    }
    for (uint32_t s = 0; s < n; s++) {
        depth[s] = 1;
    }
    /* Relaxation: each pass lengthens every chain by at most one call, and depths stop at the cap, so
     * BPFTIME_VM_MAX_FRAMES passes reach the fixed point, recursion included (its cycles hit the cap). */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < slots; i++) {
            if (!is_local_call(&insns[i])) {
                i += insns[i].code == OP_LDDW;
                continue;
            }
            uint32_t caller = sub[i], callee = sub[target_of(insns, i)];
            uint8_t via = depth[callee] >= BPFTIME_VM_MAX_FRAMES ? BPFTIME_VM_MAX_FRAMES : depth[callee] + 1;
            if (via > depth[caller]) {
                depth[caller] = via;
                changed = true;
            }
        }
    }
    uint32_t deepest = 1;
    for (size_t i = 0; i < slots; i++) {
        if (root[i] && depth[sub[i]] > deepest) {
            deepest = depth[sub[i]];
        }
    }
    *frames = deepest;
    free(depth);
    free(sub);
    free(start);
    free(root);
    return 0;
}
