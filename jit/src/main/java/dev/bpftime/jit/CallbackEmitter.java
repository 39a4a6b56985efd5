package dev.bpftime.jit;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.PseudoSource;
import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Label;
import dev.bpftime.jit.x86.Mem;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.X86Assembler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Callbacks: an lddw of a subprogram (BPF_PSEUDO_FUNC), which a program passes to bpf_loop or
 * bpf_for_each_map_elem. The register gets the address of the subprogram's descriptor, the
 * interpreter's {@code struct bpftime_callback} (vm/bpftime_vm.h): eight bytes holding the offset from
 * the descriptor to a C entry {@code uint64_t entry(cb, r1, r2, r3, r4, r5)}. The entry does what the
 * program's C entry does (saves the caller's registers, reserves a fresh invocation block and frames),
 * moves r1-r5 from the C argument registers, calls the subprogram and returns its r0 through the C
 * entry's exit. The descriptors follow the code, each 8-byte aligned; both the lea reaching one and the
 * offset in it are pc-relative, so the image stays position-independent without relocations.
 */
final class CallbackEmitter {

    /** The callee-saved registers of the System V ABI, in the C entry's push order (FrameEmitter). */
    private static final Reg[] ENTRY_SAVED = {Reg.RBP, Reg.RBX, Reg.R12, Reg.R13, Reg.R14, Reg.R15};

    private record AddressLoad(int dispAt, int subprogram) {
    }

    private final CodeGen gen;
    private final X86Assembler asm;
    private final List<AddressLoad> loads = new ArrayList<>();

    CallbackEmitter(CodeGen gen) {
        this.gen = gen;
        this.asm = gen.asm;
    }

    /** {@code lea dst, [rip + descriptor]} for an lddw of a subprogram; false for any other instruction. */
    boolean emitAddress(Instruction insn, int index) {
        if (insn.pseudoSource() != PseudoSource.FUNC) {
            return false;
        }
        Reg dst = RegisterMap.of(insn.dst());
        int n = dst.number();
        gen.buffer.emit8(0x48 | (n >= 8 ? 0x04 : 0)); // REX.W, REX.R for r8-r15
        gen.buffer.emit8(0x8d);
        gen.buffer.emit8(((n & 7) << 3) | 0x05); // ModRM: mod 00, rm 101 = rip + disp32
        int at = gen.buffer.position();
        gen.buffer.emit32(0);
        loads.add(new AddressLoad(at, gen.program.subprogramOf[gen.program.target(index)]));
        return true;
    }

    /** The C entries and descriptors of every callback, after the code; patches the leas. */
    void emitEntries() {
        if (gen.program.callbacks.isEmpty()) {
            return;
        }
        Map<Integer, Integer> entries = new HashMap<>();
        for (int sub : gen.program.callbacks) {
            entries.put(sub, gen.buffer.position());
            entry(sub);
        }
        while (gen.buffer.position() % 8 != 0) {
            gen.buffer.emit8(0xcc);
        }
        Map<Integer, Integer> descriptors = new HashMap<>();
        for (int sub : gen.program.callbacks) {
            int at = gen.buffer.position();
            descriptors.put(sub, at);
            gen.buffer.emit64((long) entries.get(sub) - at);
        }
        for (AddressLoad l : loads) {
            gen.buffer.patch(l.dispAt(), 4, descriptors.get(l.subprogram()) - (l.dispAt() + 4));
        }
    }

    private void entry(int sub) {
        for (Reg r : ENTRY_SAVED) {
            asm.push(r);
        }
        int reserved = FrameLayout.reservedBytes(gen.program.reservedFrames);
        asm.arithImm(ArithOp.SUB, OpSize.QWORD, Reg.RSP, reserved);
        asm.mov(OpSize.QWORD, RegisterMap.BLOCK, Reg.RSP);
        asm.lea(RegisterMap.FP, Mem.of(Reg.RSP, reserved - FrameLayout.TOP_PAD));
        asm.lea(Reg.RAX, Mem.of(Reg.RSP, reserved));
        asm.store(OpSize.QWORD, Mem.of(RegisterMap.BLOCK, FrameLayout.ENTRY_RSP), Reg.RAX);
        if (gen.program.hasTailCall) {
            asm.storeImm(OpSize.QWORD, Mem.of(RegisterMap.BLOCK, FrameLayout.TAIL_COUNT), 0);
        }
        // entry(cb, r1..r5): r1-r5 arrive in rsi, rdx, rcx, r8, r9 and go to rdi, rsi, rdx, rcx, r8.
        asm.mov(OpSize.QWORD, Reg.RDI, Reg.RSI);
        asm.mov(OpSize.QWORD, Reg.RSI, Reg.RDX);
        asm.mov(OpSize.QWORD, Reg.RDX, Reg.RCX);
        asm.mov(OpSize.QWORD, Reg.RCX, Reg.R8);
        asm.mov(OpSize.QWORD, Reg.R8, Reg.R9);
        asm.call(gen.subprogramLabel(sub));
        asm.jmp(gen.entryExit);
    }
}
