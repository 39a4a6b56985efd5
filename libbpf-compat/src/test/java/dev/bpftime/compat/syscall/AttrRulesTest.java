package dev.bpftime.compat.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.attr.InfoAttr;
import dev.bpftime.compat.posix.Errno;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** __sys_bpf's size rules and CHECK_ATTR, one refusal each (kernel/bpf/syscall.c). */
class AttrRulesTest {

    private static int errno(ThrowingRunnable r) {
        return assertThrows(BpfException.class, r::run).errno();
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws BpfException;
    }

    @Test
    void aShortAttrIsZeroFilled() throws BpfException {
        Attr a = AttrRules.copyIn(4, new byte[] {7, 0, 0, 0}, 4096);
        assertEquals(7, a.u32(InfoAttr.BPF_FD));
        assertEquals(0, a.u32(InfoAttr.INFO_LEN));
        assertEquals(-1, a.firstNonZeroFrom(4));
        assertEquals(4, a.userSize());
    }

    @Test
    void moreThanAPageIsE2big() {
        assertEquals(Errno.E2BIG, errno(() -> AttrRules.copyIn(4097, new byte[4096], 4096)));
    }

    @Test
    void aNonZeroByteBeyondTheUnionIsE2big() {
        byte[] b = new byte[300];
        b[299] = 1;
        assertEquals(Errno.E2BIG, errno(() -> AttrRules.copyIn(300, b, 4096)));
    }

    @Test
    void zerosBeyondTheUnionAreFine() throws BpfException {
        byte[] b = new byte[4096];
        b[0] = 5;
        assertEquals(5, AttrRules.copyIn(4096, b, 4096).u32(InfoAttr.BPF_FD));
    }

    @Test
    void anUnreadableTailIsEfault() {
        assertEquals(Errno.EFAULT, errno(() -> AttrRules.copyIn(300, new byte[200], 4096)));
    }

    @Test
    void aNonZeroByteBeforeTheFaultIsE2big() {
        byte[] b = new byte[200];
        b[190] = 9;
        assertEquals(Errno.E2BIG, errno(() -> AttrRules.copyIn(300, b, 4096)));
    }

    @Test
    void anUnreadableHeadIsEfault() {
        assertEquals(Errno.EFAULT, errno(() -> AttrRules.copyIn(16, new byte[8], 4096)));
    }

    @Test
    void checkAttrRefusesAByteAfterTheLastField() throws BpfException {
        byte[] b = new byte[Attr.UNION_SIZE];
        b[16] = 1;
        Attr a = AttrRules.copyIn(b.length, b, 4096);
        BpfException e = assertThrows(BpfException.class,
                () -> AttrRules.checkUnusedZero(a, BpfCmd.OBJ_GET_INFO_BY_FD.layout(), "BPF_OBJ_GET_INFO_BY_FD"));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("BPF_OBJ_GET_INFO_BY_FD: attr byte 16 is not zero, but the command's last field info.info ends at 16",
                e.reason());
    }

    @Test
    void checkAttrAcceptsTheLastFieldItself() throws BpfException {
        byte[] b = new byte[Attr.UNION_SIZE];
        Arrays.fill(b, 0, 16, (byte) 0xff);
        AttrRules.checkUnusedZero(AttrRules.copyIn(b.length, b, 4096), BpfCmd.OBJ_GET_INFO_BY_FD.layout(), "x");
    }

    @Test
    void infoTailRules() throws BpfException {
        FakeCaller c = new FakeCaller();
        byte[] info = new byte[300];
        long at = c.map(info);
        AttrRules.checkTailZero(c, at, 232, 300, "info");
        info[250] = 1;
        long bad = c.map(info);
        assertEquals(Errno.E2BIG, errno(() -> AttrRules.checkTailZero(c, bad, 232, 300, "info")));
        assertEquals(Errno.EFAULT, errno(() -> AttrRules.checkTailZero(c, at, 232, 400, "info")));
        assertEquals(Errno.E2BIG, errno(() -> AttrRules.checkTailZero(c, at, 232, 4097, "info")));
    }

    @Test
    void writebacksRecordOutputFields() throws BpfException {
        Attr a = AttrRules.copyIn(16, new byte[16], 4096);
        a.putU32(InfoAttr.INFO_LEN, 0x01020304);
        assertEquals(1, a.writebacks().size());
        assertEquals(4, a.writebacks().get(0).offset());
        byte[] expected = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(0x01020304)
                .array();
        assertArrayEquals(expected, a.writebacks().get(0).bytes());
    }
}
