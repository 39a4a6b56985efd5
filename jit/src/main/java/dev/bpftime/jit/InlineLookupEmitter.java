package dev.bpftime.jit;

import static dev.bpftime.jit.RegisterMap.SCRATCH_A;
import static dev.bpftime.jit.RegisterMap.SCRATCH_B;
import static dev.bpftime.jit.RegisterMap.SCRATCH_C;

import dev.bpftime.jit.x86.ArithOp;
import dev.bpftime.jit.x86.Cond;
import dev.bpftime.jit.x86.Mem;
import dev.bpftime.jit.x86.OpSize;
import dev.bpftime.jit.x86.Reg;
import dev.bpftime.jit.x86.X86Assembler;

/**
 * {@code r0 = bpf_map_lookup_elem(r1 = array, r2 = &key)} without the call, as the kernel's verifier
 * rewrites it (kernel/bpf/arraymap.c, array_map_gen_lookup): r0 = values + key * stride when the u32 key
 * is below max_entries, else NULL. Specialised on the map's descriptor ({@link JitOptions#maps}); the
 * image stays position-independent because only the address of the values is filled in per process, by
 * the same {@link Relocation.Kind#MAP_VALUE} (or MAP_IDX_VALUE) relocation a direct value access uses.
 * Branchless, so an out-of-range key never steers speculation to an address past the values (the
 * kernel masks the index for the same reason). R1-R5 keep their values; a call would leave them undefined.
 */
final class InlineLookupEmitter {

    private final CodeGen gen;
    private final X86Assembler asm;

    InlineLookupEmitter(CodeGen gen) {
        this.gen = gen;
        this.asm = gen.asm;
    }

    /** ARRAYs with a u32 key whose stride fits an imul immediate; other maps keep the helper call. */
    static boolean canInline(JitOptions.MapDescriptor d) {
        return d.type() == JitOptions.MAP_TYPE_ARRAY && d.keySize() == 4 && d.maxEntries() != 0
                && d.valueSize() > 0 && d.valueStride() <= Integer.MAX_VALUE;
    }

    void emit(int index) {
        JitOptions.MapDescriptor d = gen.peepholes.lookupDescriptor(index);
        long ref = gen.peepholes.lookupMap(index);
        Relocation.Kind kind = MapReferences.kindOf(ref) == Relocation.Kind.MAP_IDX
                ? Relocation.Kind.MAP_IDX_VALUE : Relocation.Kind.MAP_VALUE;
        int stride = (int) d.valueStride();
        asm.load(OpSize.DWORD, Reg.RAX, Mem.of(RegisterMap.of(dev.bpftime.isa.Register.R2), 0));
        int at = asm.movImm64(SCRATCH_C, 0);
        gen.relocate(at, kind, MapReferences.keyOf(ref), 0, index);
        boolean scaled = stride == 1 || stride == 2 || stride == 4 || stride == 8;
        if (!scaled) {
            asm.imulImm(OpSize.QWORD, SCRATCH_B, Reg.RAX, stride);
            asm.arith(ArithOp.ADD, OpSize.QWORD, SCRATCH_B, SCRATCH_C);
        }
        asm.arith(ArithOp.XOR, OpSize.DWORD, SCRATCH_A, SCRATCH_A);
        asm.arithImm(ArithOp.CMP, OpSize.DWORD, Reg.RAX, d.maxEntries());
        if (scaled) {
            asm.lea(Reg.RAX, Mem.of(SCRATCH_C, Reg.RAX, stride, 0));
        } else {
            asm.mov(OpSize.QWORD, Reg.RAX, SCRATCH_B);
        }
        asm.cmov(Cond.AE, OpSize.QWORD, Reg.RAX, SCRATCH_A);
    }
}
