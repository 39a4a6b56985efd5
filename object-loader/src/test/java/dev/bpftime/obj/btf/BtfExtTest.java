package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** .BTF.ext on hand-written blobs: each part decoded, and each of libbpf's refusals with its errno. */
class BtfExtTest {

    private static final Btf BTF;
    private static final int SEC;
    private static final int FILE;
    private static final int LINE;
    private static final int ACCESS;

    static {
        BtfBuilder b = new BtfBuilder();
        b.intType("int", 4, 1, 32);                       // 1
        b.struct(BtfKind.STRUCT, "s", 4, false, new BtfBuilder.M("x", 1, 0)); // 2
        b.proto(1, "ctx", 1);                             // 3
        b.func("prog", 3, 1);                             // 4
        SEC = b.str("xdp");
        FILE = b.str("/src/a.bpf.c");
        LINE = b.str("return ctx;");
        ACCESS = b.str("0:0");
        BTF = Btf.load(b.build());
    }

    /**
     * A .BTF.ext with one section "xdp" in each part: func_info (insn 0, FUNC 4), line_info (insn 8, line 7
     * column 3), core_relo (insn 16, struct s, "0:0", FIELD_BYTE_OFFSET).
     */
    private static byte[] ext(ByteOrder order, Consumer<ByteBuffer> patch) {
        ByteBuffer b = ByteBuffer.allocate(32 + 20 + 28 + 28).order(order);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(32);
        b.putInt(0).putInt(20).putInt(20).putInt(28).putInt(48).putInt(28);
        b.putInt(8).putInt(SEC).putInt(1).putInt(0).putInt(4);
        b.putInt(16).putInt(SEC).putInt(1).putInt(8).putInt(FILE).putInt(LINE).putInt((7 << 10) | 3);
        b.putInt(16).putInt(SEC).putInt(1).putInt(16).putInt(2).putInt(ACCESS).putInt(0);
        patch.accept(b);
        return b.array();
    }

    private static byte[] ext(Consumer<ByteBuffer> patch) {
        return ext(ByteOrder.LITTLE_ENDIAN, patch);
    }

    @Test
    void decodesEachPartInBothByteOrders() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            BtfExt ext = BtfExt.parse(ext(order, b -> { }), BTF);
            assertEquals(order, ext.order());
            assertEquals(List.of(new BtfExt.Section<>("xdp", List.of(new BtfExt.FuncInfo(0, 4)))), ext.funcInfo());
            assertEquals(new BtfExt.LineInfo(8, "/src/a.bpf.c", "return ctx;", 7, 3),
                    ext.lineInfo("xdp").orElseThrow().records().get(0));
            assertEquals(1, ext.lineInfo("xdp").orElseThrow().records().get(0).instructionIndex());
            assertEquals(new BtfExt.CoreRelo(16, 2, "0:0", CoreReloKind.FIELD_BYTE_OFFSET),
                    ext.coreRelos("xdp").orElseThrow().records().get(0));
        }
        // A header of 24 bytes ends before core_relo_off: there are no CO-RE relocations.
        byte[] full = ext(b -> { });
        byte[] shortHeader = new byte[full.length - 8];
        System.arraycopy(full, 0, shortHeader, 0, 24);
        System.arraycopy(full, 32, shortHeader, 24, full.length - 32);
        shortHeader[4] = 24;
        BtfExt noCore = BtfExt.parse(shortHeader, BTF);
        assertEquals(List.of(), noCore.coreRelos());
        assertEquals(1, noCore.lineInfo().size());
    }

    @Test
    void longerRecordsAreReadByTheirKnownPrefix() {
        ByteBuffer b = ByteBuffer.allocate(24 + 4 + 8 + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(24).putInt(24).putInt(0);
        b.putInt(12).putInt(SEC).putInt(1).putInt(0).putInt(4).putInt(0xdead);
        assertEquals(List.of(new BtfExt.FuncInfo(0, 4)), BtfExt.parse(b.array(), BTF).funcInfo().get(0).records());
    }

    private record Refusal(String name, byte[] blob, int errno, String expected) {
    }

    @Test
    void refusals() {
        List<Refusal> cases = new ArrayList<>();
        cases.add(new Refusal("too short", new byte[6], Errno.EINVAL, "BTF.ext header not found"));
        cases.add(new Refusal("hdr_len", ext(b -> b.putInt(4, 4096)), Errno.EINVAL, "BTF.ext header not found"));
        cases.add(new Refusal("magic", ext(b -> b.putShort(0, (short) 0x1234)), Errno.EINVAL, "Invalid BTF.ext magic"));
        cases.add(new Refusal("version", ext(b -> b.put(2, (byte) 2)), Errno.ENOTSUP, "Unsupported BTF.ext version"));
        cases.add(new Refusal("flags", ext(b -> b.put(3, (byte) 1)), Errno.ENOTSUP, "Unsupported BTF.ext flags"));
        cases.add(new Refusal("header only", java.util.Arrays.copyOf(ext(b -> { }), 32), Errno.EINVAL,
                "BTF.ext has no data"));
        cases.add(new Refusal("short header", ext(b -> b.putInt(4, 16)), Errno.EINVAL, "hdr_len: actual 16"));
        cases.add(new Refusal("unaligned part", ext(b -> b.putInt(8, 2)), Errno.EINVAL, "not aligned to 4 bytes"));
        cases.add(new Refusal("part beyond the end", ext(b -> b.putInt(12, 200)), Errno.EINVAL,
                "is beyond the end of the ELF section"));
        cases.add(new Refusal("no record size", ext(b -> b.putInt(12, 2)), Errno.EINVAL, "record size not found"));
        cases.add(new Refusal("record size too small", ext(b -> b.putInt(32, 4)), Errno.EINVAL,
                "has invalid record size 4"));
        cases.add(new Refusal("record size unaligned", ext(b -> b.putInt(32, 10)), Errno.EINVAL,
                "has invalid record size 10"));
        cases.add(new Refusal("no records", ext(b -> b.putInt(12, 4)), Errno.EINVAL, "has no records"));
        cases.add(new Refusal("zero records", ext(b -> b.putInt(40, 0)), Errno.EINVAL, "incorrect num_records"));
        cases.add(new Refusal("too many records", ext(b -> b.putInt(40, 2)), Errno.EINVAL, "incorrect num_records"));
        cases.add(new Refusal("cut section header", ext(b -> b.putInt(12, 24)), Errno.EINVAL,
                "section header is not found"));
        cases.add(new Refusal("section name", ext(b -> b.putInt(36, 9999)), Errno.EINVAL, "section name offset: actual"
                + " 9999"));
        cases.add(new Refusal("func_info of a struct", ext(b -> b.putInt(48, 2)), Errno.EINVAL,
                "type [2]: actual STRUCT vs expected FUNC"));
        cases.add(new Refusal("func_info of a missing type", ext(b -> b.putInt(48, 5)), Errno.EINVAL,
                "type id: actual 5 vs expected below 5"));
        cases.add(new Refusal("half an instruction", ext(b -> b.putInt(64, 12)), Errno.EINVAL,
                "insn_off: actual 12 vs expected a multiple of 8"));
        cases.add(new Refusal("file name", ext(b -> b.putInt(68, 9999)), Errno.EINVAL, "file name offset: actual 9999"));
        cases.add(new Refusal("relocation kind", ext(b -> b.putInt(104, 13)), Errno.EINVAL, "kind: actual 13 vs"
                + " expected 0..12"));
        cases.add(new Refusal("access string", ext(b -> b.putInt(100, 9999)), Errno.EINVAL,
                "access string offset: actual 9999"));
        List<String> failures = new ArrayList<>();
        for (Refusal c : cases) {
            BtfException e = assertThrows(BtfException.class, () -> BtfExt.parse(c.blob(), BTF), c.name());
            if (e.errno() != c.errno() || !e.getMessage().contains(c.expected())) {
                failures.add(c.name() + ": " + e.getMessage());
            }
            assertTrue(e.getMessage().startsWith("BTF at byte offset 0x"), e.getMessage());
        }
        assertEquals(List.of(), failures);
    }
}
