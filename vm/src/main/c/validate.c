/*
 * The checks made before a program may run. They guarantee what the interpreter relies on without
 * testing it again: every opcode has a handler, every register index is r0..r10, r10 is never
 * written, every jump and local call lands on the first slot of an instruction, and control cannot
 * run past the last slot. Whether the program is safe is the verifier's question, not answered here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vm_internal.h"

static int refuse(char *err, size_t err_len, size_t slot, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int refuse(char *err, size_t err_len, size_t slot, const char *fmt, ...)
{
    if (err != NULL && err_len > 0) {
        int n = snprintf(err, err_len, "at instruction %zu: ", slot);
        if (n >= 0 && (size_t)n < err_len) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -EINVAL;
}

/* True when the instruction writes r10, the read-only frame pointer (the verifier's "frame pointer is read only"). */
static bool writes_fp(int dst, int src, bool writes_dst, bool writes_src)
{
    return (writes_dst && dst == REG_FP) || (writes_src && src == REG_FP);
}

/* A jump or call distance in slots from the next instruction. */
static int check_target(const uint8_t *second_half, size_t slots, size_t slot, int64_t distance, const char *what,
                        char *err, size_t err_len)
{
    int64_t target = (int64_t)slot + 1 + distance;
    if (target < 0 || target >= (int64_t)slots) {
        return refuse(err, err_len, slot, "%s target out of range: actual %lld vs expected 0..%zu", what,
                      (long long)target, slots - 1);
    }
    if (second_half[target]) {
        return refuse(err, err_len, slot,
                      "%s target %lld is the second half of the lddw at instruction %lld: "
                      "actual slot %lld vs expected the first slot of an instruction",
                      what, (long long)target, (long long)target - 1, (long long)target);
    }
    return 0;
}

static int check_alu(const struct bpf_insn *insn, size_t slot, char *err, size_t err_len)
{
    uint8_t code = insn->code;
    bool is64 = BPF_CLASS(code) == BPF_ALU64;
    bool reg = (code & BPF_X) != 0;
    int off = insn->off;
    switch (BPF_OP(code)) {
    case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND:
    case BPF_LSH: case BPF_RSH: case BPF_XOR: case BPF_ARSH:
        if (off != 0) {
            return refuse(err, err_len, slot, "reserved field offset of opcode 0x%02x: actual %d vs expected 0", code, off);
        }
        break;
    case BPF_DIV: case BPF_MOD:
        /* offset 1 selects the signed operation (v4) */
        if (off != 0 && off != 1) {
            return refuse(err, err_len, slot, "offset of opcode 0x%02x: actual %d vs expected 0 or 1", code, off);
        }
        break;
    case BPF_MOV:
        /* with a register source, offset 8, 16 (and 32 for ALU64) is a sign-extending move (v4) */
        if (off != 0 && !(reg && (off == 8 || off == 16 || (is64 && off == 32)))) {
            return refuse(err, err_len, slot, "offset of opcode 0x%02x: actual %d vs expected %s", code, off,
                          !reg ? "0" : is64 ? "0, 8, 16 or 32" : "0, 8 or 16");
        }
        break;
    case BPF_NEG:
        if (reg) {
            return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
        }
        break;
    case BPF_END:
        if (is64 && reg) {
            return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
        }
        if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64) {
            return refuse(err, err_len, slot, "byte swap width: actual %d vs expected 16, 32 or 64", insn->imm);
        }
        break;
    default:
        return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
    }
    return 0;
}

static int check_jump(const struct bpf_insn *insn, const uint8_t *second_half, size_t slots, size_t slot, char *err,
                      size_t err_len)
{
    uint8_t code = insn->code;
    bool is32 = BPF_CLASS(code) == BPF_JMP32;
    bool reg = (code & BPF_X) != 0;
    switch (BPF_OP(code)) {
    case BPF_JA:
        if (reg) {
            return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
        }
        /* ja keeps its distance in the offset, gotol (JMP32) in the immediate */
        return check_target(second_half, slots, slot, is32 ? insn->imm : insn->off, "jump", err, err_len);
    case BPF_CALL:
        if (is32) {
            return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
        }
        if (reg) {
            return 0; /* callx: the helper id is in dst */
        }
        switch (INSN_SRC(insn)) {
        case BPF_PSEUDO_HELPER:
            if (insn->imm < 0) {
                return refuse(err, err_len, slot, "helper id: actual %d vs expected 0..%u", insn->imm,
                              BPFTIME_VM_MAX_HELPER_ID);
            }
            return 0;
        case BPF_PSEUDO_CALL:
            return check_target(second_half, slots, slot, insn->imm, "call", err, err_len);
        case BPF_PSEUDO_KFUNC_CALL:
            return refuse(err, err_len, slot, "kfunc call of BTF id %d: kernel functions are not available", insn->imm);
        default:
            return refuse(err, err_len, slot, "call kind in src: actual %d vs expected 0 (helper) or 1 (local)",
                          INSN_SRC(insn));
        }
    case BPF_EXIT:
        if (is32 || reg) {
            return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
        }
        return 0;
    case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET: case BPF_JNE: case BPF_JSGT:
    case BPF_JSGE: case BPF_JLT: case BPF_JLE: case BPF_JSLT: case BPF_JSLE:
        return check_target(second_half, slots, slot, insn->off, "jump", err, err_len);
    default:
        return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
    }
}

static int check_memory(const struct bpf_insn *insn, const struct bpf_insn *next, const uint8_t *second_half,
                        size_t slots, size_t slot, char *err, size_t err_len)
{
    uint8_t code = insn->code;
    switch (BPF_CLASS(code)) {
    case BPF_LD:
        if (code == OP_LDDW) {
            if (slot + 1 >= slots) {
                return refuse(err, err_len, slot, "lddw is missing its second half: actual end of program after %zu "
                              "slots vs expected a slot %zu", slots, slot + 1);
            }
            if (INSN_SRC(insn) != 0 && INSN_SRC(insn) != BPF_PSEUDO_FUNC) {
                return refuse(err, err_len, slot, "lddw pseudo source %d is not resolved: actual src %d vs expected 0 "
                              "or 4 (the loader replaces map and BTF references by values)", INSN_SRC(insn),
                              INSN_SRC(insn));
            }
            if (INSN_SRC(insn) == BPF_PSEUDO_FUNC) {
                /* a callback: the subprogram at slot + 1 + imm (the kernel's add_subprog_and_kfunc) */
                int rc = check_target(second_half, slots, slot, insn->imm, "callback", err, err_len);
                if (rc != 0) {
                    return rc;
                }
            }
            if (next->code != 0 || next->regs != 0 || next->off != 0) {
                return refuse(err, err_len, slot + 1, "second half of lddw must be zero but for its immediate: actual "
                              "opcode 0x%02x, registers 0x%02x, offset %d vs expected 0, 0, 0",
                              next->code, next->regs, next->off);
            }
            return 0;
        }
        if (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND) {
            return refuse(err, err_len, slot, "legacy packet access opcode 0x%02x is not supported", code);
        }
        return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
    case BPF_LDX:
        if (BPF_MODE(code) == BPF_MEM || (BPF_MODE(code) == BPF_MEMSX && BPF_SIZE(code) != BPF_DW)) {
            return 0;
        }
        return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
    case BPF_ST:
        if (BPF_MODE(code) == BPF_MEM) {
            return 0;
        }
        return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
    case BPF_STX:
        if (BPF_MODE(code) == BPF_MEM) {
            return 0;
        }
        if (BPF_MODE(code) == BPF_ATOMIC && (BPF_SIZE(code) == BPF_W || BPF_SIZE(code) == BPF_DW)) {
            int op = insn->imm;
            int base = op & ~BPF_FETCH;
            if (op == BPF_XCHG || op == BPF_CMPXCHG || base == BPF_ADD || base == BPF_OR || base == BPF_AND ||
                base == BPF_XOR) {
                return 0;
            }
            return refuse(err, err_len, slot, "unknown atomic operation: actual imm 0x%x vs expected one of add, or, "
                          "and, xor (each with or without fetch), xchg, cmpxchg", (unsigned)op);
        }
        return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
    default:
        return refuse(err, err_len, slot, "unknown opcode 0x%02x", code);
    }
}

/* Which registers an instruction reads as src and writes, for the register checks. */
static void register_use(const struct bpf_insn *insn, bool *writes_dst, bool *reads_src, bool *writes_src)
{
    uint8_t code = insn->code;
    *writes_dst = false;
    *reads_src = false;
    *writes_src = false;
    switch (BPF_CLASS(code)) {
    case BPF_ALU: case BPF_ALU64:
        *writes_dst = true;
        *reads_src = (code & BPF_X) != 0 && BPF_OP(code) != BPF_END;
        break;
    case BPF_JMP: case BPF_JMP32:
        *reads_src = (code & BPF_X) != 0 && BPF_OP(code) != BPF_CALL;
        break;
    case BPF_LD:
        *writes_dst = true;
        break;
    case BPF_LDX:
        *writes_dst = true;
        *reads_src = true;
        break;
    case BPF_ST:
        break;
    case BPF_STX:
        *reads_src = true;
        *writes_src = BPF_MODE(code) == BPF_ATOMIC && (insn->imm & BPF_FETCH) != 0 && insn->imm != BPF_CMPXCHG;
        break;
    }
}

int bpftime_vm_validate(const struct bpf_insn *insns, size_t slots, char *err, size_t err_len)
{
    if (slots == 0) {
        return refuse(err, err_len, 0, "empty program: actual 0 instructions vs expected at least 1");
    }
    uint8_t *second_half = calloc(slots, 1);
    if (second_half == NULL) {
        snprintf(err, err_len, "out of memory checking %zu instructions", slots);
        return -ENOMEM;
    }
    for (size_t i = 0; i < slots; i++) {
        if (insns[i].code == OP_LDDW && i + 1 < slots) {
            second_half[i + 1] = 1;
            i++;
        }
    }
    int rc = 0;
    size_t i = 0;
    for (; i < slots && rc == 0; i++) {
        const struct bpf_insn *insn = &insns[i];
        switch (BPF_CLASS(insn->code)) {
        case BPF_ALU: case BPF_ALU64:
            rc = check_alu(insn, i, err, err_len);
            break;
        case BPF_JMP: case BPF_JMP32:
            rc = check_jump(insn, second_half, slots, i, err, err_len);
            break;
        default:
            rc = check_memory(insn, i + 1 < slots ? &insns[i + 1] : NULL, second_half, slots, i, err, err_len);
            break;
        }
        if (rc != 0) {
            break;
        }
        bool writes_dst, reads_src, writes_src;
        register_use(insn, &writes_dst, &reads_src, &writes_src);
        int dst = INSN_DST(insn);
        int src = INSN_SRC(insn);
        if (dst > REG_FP) {
            rc = refuse(err, err_len, i, "bad register in dst: actual r%d vs expected r0..r10", dst);
            break;
        }
        if ((reads_src || writes_src) && src > REG_FP) {
            rc = refuse(err, err_len, i, "bad register in src: actual r%d vs expected r0..r10", src);
            break;
        }
        if (writes_fp(dst, src, writes_dst, writes_src)) {
            rc = refuse(err, err_len, i, "opcode 0x%02x writes r10: actual r10 vs expected r0..r9 (r10 is the "
                        "read-only frame pointer)", insn->code);
            break;
        }
        if (insn->code == OP_LDDW) {
            i++;
        }
    }
    if (rc == 0) {
        /* The kernel's check_cfg: the last instruction must not fall through ("last insn is not an exit or jmp"). */
        size_t last = slots - 1;
        uint8_t code = insns[last].code;
        if (second_half[last]) {
            rc = refuse(err, err_len, last, "the last instruction may fall through: actual the second half of an "
                        "lddw vs expected exit (0x95), ja (0x05) or gotol (0x06)");
        } else if (code != OP_EXIT && code != OP_JA && code != OP_GOTOL) {
            rc = refuse(err, err_len, last, "the last instruction may fall through: actual opcode 0x%02x vs expected "
                        "exit (0x95), ja (0x05) or gotol (0x06)", code);
        }
    }
    free(second_half);
    return rc;
}
