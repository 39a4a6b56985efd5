package dev.bpftime.jit;

import dev.bpftime.isa.CallKind;
import dev.bpftime.isa.Instruction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;

/**
 * The least BTF the kernel wants for a program with subprograms that makes tail calls (kernel/bpf/verifier.c
 * check_btf_info: "tail_call is not allowed in subprogs without BTF"): an int, a prototype {@code int (void)}
 * and one static FUNC of it per subprogram, named f0, f1, ..., plus the func_info records (insn_off, type_id)
 * that tie each subprogram's first slot to its FUNC. Layout: include/uapi/linux/btf.h.
 */
final class FuncInfoBtf {

    private static final int KIND_INT = 1;
    private static final int KIND_FUNC = 12;
    private static final int KIND_FUNC_PROTO = 13;
    private static final int HEADER_BYTES = 24;

    /** The first slot of every subprogram: slot 0 and every local call's target, ascending. */
    static int[] subprogramStarts(List<Instruction> program) {
        TreeSet<Integer> starts = new TreeSet<>(List.of(0));
        int slot = 0;
        for (Instruction insn : program) {
            if (insn.opcode().isCall() && insn.src().index() == CallKind.LOCAL.code()) {
                starts.add(slot + 1 + insn.imm32());
            }
            slot += insn.width();
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The BTF blob for n subprograms: type 1 int, type 2 the prototype, types 3.. the FUNCs. */
    static byte[] blob(int subprograms) {
        StringBuilder strings = new StringBuilder("\0int\0");
        int[] names = new int[subprograms];
        for (int i = 0; i < subprograms; i++) {
            names[i] = strings.length();
            strings.append('f').append(i).append('\0');
        }
        byte[] str = strings.toString().getBytes(StandardCharsets.US_ASCII);
        int typeBytes = 16 + 12 + 12 * subprograms;
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + typeBytes + str.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(HEADER_BYTES);
        b.putInt(0).putInt(typeBytes).putInt(typeBytes).putInt(str.length);
        b.putInt(1).putInt(KIND_INT << 24).putInt(4).putInt((1 << 24) | 32); // int: signed, 32 bits
        b.putInt(0).putInt(KIND_FUNC_PROTO << 24).putInt(1); // int (void)
        for (int i = 0; i < subprograms; i++) {
            b.putInt(names[i]).putInt(KIND_FUNC << 24).putInt(2); // linkage 0: static
        }
        b.put(str);
        return b.array();
    }

    /** struct bpf_func_info records, 8 bytes each. */
    static byte[] funcInfo(int[] starts) {
        ByteBuffer b = ByteBuffer.allocate(8 * starts.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < starts.length; i++) {
            b.putInt(starts[i]).putInt(3 + i);
        }
        return b.array();
    }

    private FuncInfoBtf() {
    }
}
