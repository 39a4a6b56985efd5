package dev.bpftime.compat.prog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.attr.ProgLoadAttr;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.service.BpfCommands;
import dev.bpftime.compat.syscall.Dispatcher;
import dev.bpftime.compat.syscall.FakeCaller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A call to a helper this runtime lacks, behind a branch on a {@code const volatile} flag: hidden when the
 * flag's map is frozen with BPF_F_RDONLY_PROG and the flag says so, refused with the usual message otherwise.
 */
class ConstantReachabilityTest {

    private static final int GET_CURRENT_TASK = 35;
    private static final int RDONLY_PROG = 1 << 7;

    private final ObjectTable objects = new ObjectTable();
    private final Dispatcher dispatcher = BpfCommands.create(objects, null, (what, e) -> {
        throw new AssertionError(what, e);
    });
    private final FakeCaller caller = new FakeCaller();
    private int nextFd = 3;

    private Dispatcher.Result call(BpfCmd cmd, ByteBuffer attr) {
        Dispatcher.Result r = dispatcher.dispatch(cmd.number(), 144, attr.array(), 4096, caller);
        if (r.newFdFor() != null) {
            caller.openObject(nextFd++, r.newFdFor(), r.view());
        }
        return r;
    }

    /** A one-element ARRAY of 8 bytes holding {@code value}, as libbpf makes .rodata. */
    private int rodata(long value, int flags, boolean freeze) {
        ByteBuffer a = attr().putInt(0, 2).putInt(4, 4).putInt(8, 8).putInt(12, 1).putInt(16, flags);
        assertNotNull(call(BpfCmd.MAP_CREATE, a).newFdFor());
        int fd = nextFd - 1;
        long key = caller.map(new byte[4]);
        long val = caller.map(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        assertEquals(0, call(BpfCmd.MAP_UPDATE_ELEM, attr().putInt(0, fd).putLong(8, key).putLong(16, val)).value());
        if (freeze) {
            assertEquals(0, call(BpfCmd.MAP_FREEZE, attr().putInt(0, fd)).value());
        }
        return fd;
    }

    private static ByteBuffer attr() {
        return ByteBuffer.allocate(144).order(ByteOrder.nativeOrder());
    }

    /** The refusal's reason, or null when PROG_LOAD gave a program. */
    private String load(String hex) {
        byte[] insns = HexFormat.of().parseHex(hex.replace(" ", ""));
        ByteBuffer a = attr();
        a.putInt(ProgLoadAttr.PROG_TYPE.offset(), ProgramType.KPROBE.number());
        a.putLong(ProgLoadAttr.INSNS.offset(), caller.map(insns));
        a.putInt(ProgLoadAttr.INSN_CNT.offset(), insns.length / 8);
        a.putLong(ProgLoadAttr.LICENSE.offset(), caller.map("GPL\0".getBytes(StandardCharsets.US_ASCII)));
        Dispatcher.Result r = call(BpfCmd.PROG_LOAD, a);
        try {
            StructuralCheck.run(insns, caller, 0);
            assertNotNull(r.newFdFor(), "PROG_LOAD refused what the check accepts: " + r.value());
            return null;
        } catch (dev.bpftime.compat.syscall.BpfException e) {
            assertNull(r.newFdFor(), "PROG_LOAD accepted what the check refuses");
            return e.reason();
        }
    }

    /** r1 = &rodata; {@code load} (into r2); {@code jump} over the call; call 35; r0 = 0; exit. */
    private static String hexProgram(int fd, String load, String jump) {
        return "18210000" + le32(fd) + " 0000000000000000 " + load + " " + jump
                + " 8500000023000000 b700000000000000 9500000000000000";
    }

    private static String le32(int v) {
        return String.format("%02x%02x%02x%02x", v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >>> 24);
    }

    private static final String LDXB = "7112000000000000";
    private static final String LDXDW = "7912000000000000";
    private static final String JEQ_0_SKIP = "1502010000000000";

    private String refusal() {
        return RuntimeHelpers.refusal(GET_CURRENT_TASK);
    }

    @Test
    void aFrozenReadOnlyFlagOfZeroHidesTheCall() {
        int fd = rodata(0, RDONLY_PROG, true);
        assertNull(load(hexProgram(fd, LDXB, JEQ_0_SKIP)));
    }

    @Test
    void aFrozenReadOnlyFlagOfOneKeepsTheRefusal() {
        assertNotNull(refusal(), "helper 35 is one this runtime lacks");
        int fd = rodata(1, RDONLY_PROG, true);
        assertEquals(refusal(), load(hexProgram(fd, LDXB, JEQ_0_SKIP)));
    }

    @Test
    void aMapNotFrozenIsNotConstant() {
        int fd = rodata(0, RDONLY_PROG, false);
        assertEquals(refusal(), load(hexProgram(fd, LDXB, JEQ_0_SKIP)));
    }

    @Test
    void aMapWithoutRdonlyProgIsNotConstant() {
        int fd = rodata(0, 0, true);
        assertEquals(refusal(), load(hexProgram(fd, LDXB, JEQ_0_SKIP)));
    }

    @Test
    void aLoadPastTheValueIsNotConstant() {
        int fd = rodata(0, RDONLY_PROG, true);
        // ldxdw r2 = *(u64 *)(r1 + 4): bytes 4..11 of an 8-byte value
        assertEquals(refusal(), load(hexProgram(fd, "7912040000000000", JEQ_0_SKIP)));
    }

    @Test
    void aThirtyTwoBitCompareSeesOnlyTheLowHalf() {
        int fd = rodata(0x1_0000_0000L, RDONLY_PROG, true);
        // jmp32 r2 == 0: the low half is 0, skip the call
        assertNull(load(hexProgram(fd, LDXDW, "1602010000000000")));
        // 64-bit jeq r2 == 0: not taken, the call stays
        assertEquals(refusal(), load(hexProgram(fd, LDXDW, JEQ_0_SKIP)));
    }

    @Test
    void foldedArithmeticDecidesTheBranch() {
        int fd = rodata(6, RDONLY_PROG, true);
        // r2 = flag; r2 &= 1; r2 <<= 3; if r2 == 0 skip: 6 & 1 = 0
        assertNull(load(hexProgram(fd, LDXB + " 5702000001000000 6702000003000000", JEQ_0_SKIP)));
        // r2 = flag; r2 += -6; if r2 != 0 skip (jne): 0, not taken, the call stays
        assertEquals(refusal(), load(hexProgram(fd, LDXB + " 07020000faffffff", "5502010000000000")));
    }

    @Test
    void aJoinOfDifferentValuesIsUnknown() {
        int fd = rodata(0, RDONLY_PROG, true);
        // r3 = 0 or 1 depending on r1 (a context pointer: unknown), then if r3 == 0 skip the call
        String prog = "bf16000000000000 b703000000000000 1506010000000000 b703000001000000 "
                + "18210000" + le32(fd) + " 0000000000000000 1503010000000000"
                + " 8500000023000000 b700000000000000 9500000000000000";
        assertEquals(refusal(), load(prog));
        // the same value on both paths stays known
        String same = prog.replace("b703000001000000", "b703000000000000");
        assertNull(load(same));
    }

    @Test
    void callsClobberCallerSavedRegistersOnly() {
        int fd = rodata(0, RDONLY_PROG, true);
        // r6 = flag, r2 = flag; call bpf_ktime_get_ns (5); if r6 == 0 skip: decided
        String keeps = "18210000" + le32(fd) + " 0000000000000000 7116000000000000 8500000005000000 "
                + "1506010000000000 8500000023000000 b700000000000000 9500000000000000";
        assertNull(load(keeps));
        // the same with r2: clobbered, the call stays
        String clobbered = keeps.replace("7116000000000000", "7112000000000000").replace("1506", "1502");
        assertEquals(refusal(), load(clobbered));
    }

    @Test
    void theAnalysisAloneOnRawSlots() {
        byte[] value = {1, 0, 0, 0, 0, 0, 0, 0};
        RawInsn[] insns = RawInsn.all(HexFormat.of().parseHex(
                ("1821000000000000 0000000000000000 " + LDXB + " 1502010000000000 8500000023000000 "
                        + "9500000000000000").replace(" ", "")));
        boolean[] taken = ConstantReachability.reachable(insns, Map.of(0, value));
        assertArrayEquals(new boolean[] {true, false, true, true, true, true}, taken);
        value[0] = 0;
        assertArrayEquals(new boolean[] {true, false, true, true, false, true},
                ConstantReachability.reachable(insns, Map.of(0, value)));
        assertArrayEquals(new boolean[] {true, false, true, true, true, true},
                ConstantReachability.reachable(insns, Map.of()));
    }
}
