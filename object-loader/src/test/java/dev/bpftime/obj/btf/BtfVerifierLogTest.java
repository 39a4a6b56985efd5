package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The verifier log of BPF_BTF_LOAD without root: whole logs written as kernel/bpf/btf.c writes them
 * (as root, KernelDifferentialTest and KernelRefusalTest compare thousands with the kernel's own).
 */
class BtfVerifierLogTest {

    /** int [1], struct s { int a:3; int *p; } [3] with kind_flag, enum e { A = -1 } signed [4], a .data of v. */
    private static BtfBuilder sample() {
        BtfBuilder b = new BtfBuilder();
        b.intType("int", 4, 1, 32);
        b.ptr(1);
        b.struct(BtfKind.STRUCT, "s", 16, true, new BtfBuilder.M("a", 1, 3L << 24), new BtfBuilder.M("p", 2, 64));
        b.enumType("e", 4, true, "A", -1);
        b.var("v", 1, 1);
        b.datasec(".data", 4, 5, 0, 4);
        return b;
    }

    private static String header(byte[] blob) {
        ByteBuffer h = ByteBuffer.wrap(blob).order(ByteOrder.nativeOrder());
        return "magic: 0xeb9f\nversion: 1\nflags: 0x0\nhdr_len: 24\ntype_off: 0\ntype_len: " + h.getInt(12)
                + "\nstr_off: " + h.getInt(16) + "\nstr_len: " + h.getInt(20) + "\nbtf_total_size: " + blob.length
                + "\n";
    }

    @Test
    void anAcceptedBlobLogsItsHeaderAndEachTypeMemberEnumeratorAndVariable() {
        byte[] blob = sample().build();
        BtfVerifierLog log = new BtfVerifierLog();
        Btf.load(blob, log);
        assertEquals(header(blob)
                + "[1] INT int size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
                + "[2] PTR (anon) type_id=1\n"
                + "[3] STRUCT s size=16 vlen=2\n"
                + "\ta type_id=1 bitfield_size=3 bits_offset=0\n"
                + "\tp type_id=2 bitfield_size=0 bits_offset=64\n"
                + "[4] ENUM e size=4 vlen=1\n"
                + "\tA val=-1\n"
                + "[5] VAR v type_id=1 linkage=1\n"
                + "[6] DATASEC .data size=4 vlen=1\n"
                + "\t type_id=5 offset=0 size=4\n", log.text());
    }

    @Test
    void aRefusalEndsTheLogAfterTheTypesBeforeIt() {
        BtfBuilder b = sample();
        b.floatType("f", 3);
        byte[] blob = b.build();
        BtfVerifierLog log = new BtfVerifierLog();
        assertThrows(BtfException.class, () -> Btf.load(blob, log));
        String text = log.text();
        assertEquals("[7] FLOAT f size=3 Invalid type_size\n", text.substring(text.lastIndexOf("[7]")));
        assertEquals(header(blob), text.substring(0, header(blob).length()));
    }

    @Test
    void aHeaderRefusalHasNoNewline() {
        byte[] blob = sample().build();
        blob[0] ^= 1;
        BtfVerifierLog log = new BtfVerifierLog();
        assertThrows(BtfException.class, () -> Btf.load(blob, log));
        assertEquals("Invalid magic", log.text().substring(log.text().lastIndexOf('\n') + 1));
    }

    @Test
    void anUnsignedEnumeratorPrintsAsUnsigned() {
        BtfBuilder b = new BtfBuilder();
        b.enumType("u", 4, false, "MAX", 0xffffffffL);
        b.enum64("w", 8, false, "BIG", -1L);
        BtfVerifierLog log = new BtfVerifierLog();
        Btf.load(b.build(), log);
        String text = log.text();
        assertEquals("[1] ENUM u size=4 vlen=1\n\tMAX val=4294967295\n[2] ENUM64 w size=8 vlen=1\n"
                + "\tBIG val=18446744073709551615\n", text.substring(text.indexOf("[1]")));
    }
}
