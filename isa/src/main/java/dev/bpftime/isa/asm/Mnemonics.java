package dev.bpftime.isa.asm;

import dev.bpftime.isa.AluOp;
import dev.bpftime.isa.AtomicOp;
import dev.bpftime.isa.JumpOp;
import dev.bpftime.isa.Mode;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Size;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every mnemonic of the bpf_conformance syntax. A plain ALU name is 64-bit and its {@code 32} suffix the
 * 32-bit class; a jump name compares 64 bits and its {@code 32} suffix the low halves (JMP32). Atomics are
 * written {@code lock [fetch] OP [DST+OFF], SRC} and looked up in {@link #atomic}.
 */
final class Mnemonics {

    /** The width suffix of the load and store mnemonics: ldxb, sth, stxw, stdw. */
    static final Map<Size, String> SIZE_SUFFIX = Map.of(Size.B, "b", Size.H, "h", Size.W, "w", Size.DW, "dw");

    private static final Map<String, Form> FORMS = buildForms();

    /** An atomic operation and its width. */
    record AtomicKind(Size size, AtomicOp op) {
    }

    private static final Map<String, AtomicKind> ATOMICS = buildAtomics();

    private Mnemonics() {
    }

    /** The form of a mnemonic, or null when there is none. */
    static Form form(String mnemonic) {
        return FORMS.get(mnemonic);
    }

    /** The atomic named after {@code lock [fetch]}, or null. */
    static AtomicKind atomic(String name) {
        return ATOMICS.get(name);
    }

    static Map<String, Form> all() {
        return Collections.unmodifiableMap(FORMS);
    }

    static Iterable<String> atomicNames() {
        return ATOMICS.keySet();
    }

    static String aluName(AluOp op) {
        return op.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Form> buildForms() {
        Map<String, Form> m = new TreeMap<>();
        for (AluOp op : AluOp.values()) {
            if (op == AluOp.END) {
                continue;
            }
            String name = aluName(op);
            if (op == AluOp.NEG) {
                m.put(name, new Form.Negate(true));
                m.put(name + "32", new Form.Negate(false));
            } else {
                m.put(name, new Form.Alu(true, op, 0));
                m.put(name + "32", new Form.Alu(false, op, 0));
            }
        }
        // Signed division and modulo are DIV and MOD with offset 1 (RFC 9669 section 4.1).
        m.put("sdiv", new Form.Alu(true, AluOp.DIV, 1));
        m.put("sdiv32", new Form.Alu(false, AluOp.DIV, 1));
        m.put("smod", new Form.Alu(true, AluOp.MOD, 1));
        m.put("smod32", new Form.Alu(false, AluOp.MOD, 1));
        // movsx<source bits><destination bits>
        for (int bits : new int[] {8, 16, 32}) {
            m.put("movsx" + bits + "64", new Form.SignExtendingMove(true, bits));
            if (bits != 32) {
                m.put("movsx" + bits + "32", new Form.SignExtendingMove(false, bits));
            }
        }
        for (int bits : new int[] {16, 32, 64}) {
            m.put("le" + bits, new Form.ByteSwap(Opcode.alu(false, AluOp.END, false), bits));
            m.put("be" + bits, new Form.ByteSwap(Opcode.alu(false, AluOp.END, true), bits));
            Form bswap = new Form.ByteSwap(Opcode.alu(true, AluOp.END, false), bits);
            m.put("bswap" + bits, bswap);
            m.put("swap" + bits, bswap);
        }
        for (Size size : Size.values()) {
            String s = SIZE_SUFFIX.get(size);
            m.put("ldx" + s, new Form.Load(Mode.MEM, size));
            if (size != Size.DW) {
                m.put("ldxs" + s, new Form.Load(Mode.MEMSX, size));
            }
            m.put("st" + s, new Form.StoreImmediate(size));
            m.put("stx" + s, new Form.StoreRegister(size));
        }
        m.put("lddw", new Form.LoadImm64());
        for (JumpOp op : JumpOp.values()) {
            if (op.isConditional()) {
                String name = op.name().toLowerCase(Locale.ROOT);
                m.put(name, new Form.ConditionalJump(false, op));
                m.put(name + "32", new Form.ConditionalJump(true, op));
            }
        }
        m.put("ja", new Form.Goto(false));
        m.put("ja32", new Form.Goto(true));
        // LLVM's name for the v4 long jump.
        m.put("gotol", new Form.Goto(true));
        m.put("call", new Form.Call());
        m.put("exit", new Form.Exit());
        return m;
    }

    private static Map<String, AtomicKind> buildAtomics() {
        Map<String, AtomicKind> m = new TreeMap<>();
        for (AtomicOp op : AtomicOp.values()) {
            String name = op.name().toLowerCase(Locale.ROOT);
            m.put(name, new AtomicKind(Size.DW, op));
            m.put(name + "32", new AtomicKind(Size.W, op));
        }
        return m;
    }
}
