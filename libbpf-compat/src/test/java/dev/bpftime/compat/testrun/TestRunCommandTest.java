package dev.bpftime.compat.testrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.ProgLoadAttr;
import dev.bpftime.compat.attr.TestRunAttr;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgLoadCommand;
import dev.bpftime.compat.prog.ProgTag;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.prog.ProgramVerifier;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.FakeCaller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BPF_PROG_TEST_RUN on both engines: the same retval and context write-back from the JIT and the interpreter. */
class TestRunCommandTest {

    /** r0 = ctx[0]; r2 = ctx[1]; r0 *= r2; r0 += 3; ctx[2] = r0; exit */
    private static final byte[] MUL_ADD = HexFormat.of().parseHex("7910000000000000" + "7912080000000000"
            + "2f20000000000000" + "0700000003000000" + "7b01100000000000" + "9500000000000000");
    /** r0 = skb->len; exit */
    private static final byte[] SKB_LEN = HexFormat.of().parseHex("6110000000000000" + "9500000000000000");

    private final FakeCaller caller = new FakeCaller();

    private BpfProgram load(ProgramType type, byte[] insns) throws BpfException {
        ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        a.putInt(ProgLoadAttr.PROG_TYPE.offset(), type.number());
        a.putLong(ProgLoadAttr.INSNS.offset(), caller.map(insns));
        a.putInt(ProgLoadAttr.INSN_CNT.offset(), insns.length / 8);
        a.putLong(ProgLoadAttr.LICENSE.offset(), caller.map("GPL\0".getBytes(StandardCharsets.US_ASCII)));
        ProgLoadCommand load = new ProgLoadCommand(new ObjectTable(), ProgramVerifier.STRUCTURAL_ONLY, () -> 1L,
                ProgTag.Algorithm.SHA256);
        return (BpfProgram) load.handle(new Attr(a.array(), Attr.UNION_SIZE), caller).newFdFor();
    }

    private static List<ProgramEngine> engines() {
        return List.of(new JitEngine(), new InterpreterEngine());
    }

    @Test
    void rawTracepointGivesTheSameRetvalOnBothEngines() throws BpfException {
        caller.openObject(5, load(ProgramType.RAW_TRACEPOINT, MUL_ADD));
        for (ProgramEngine engine : engines()) {
            ByteBuffer args = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder()).putLong(5).putLong(42);
            ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
            a.putInt(TestRunAttr.PROG_FD.offset(), 5);
            a.putLong(TestRunAttr.CTX_IN.offset(), caller.map(args.array()));
            a.putInt(TestRunAttr.CTX_SIZE_IN.offset(), 24);
            Attr attr = new Attr(a.array(), Attr.UNION_SIZE);
            assertEquals(0, new TestRunCommand(() -> engine).handle(attr, caller).value(), engine.name());
            assertEquals(5 * 42 + 3, attr.u32(TestRunAttr.RETVAL), engine.name());
        }
    }

    @Test
    void socketFilterRepeatsAndTimesOnBothEngines() throws BpfException {
        caller.openObject(6, load(ProgramType.SOCKET_FILTER, SKB_LEN));
        for (ProgramEngine engine : engines()) {
            byte[] packet = new byte[100];
            byte[] out = new byte[100];
            ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
            a.putInt(TestRunAttr.PROG_FD.offset(), 6);
            a.putLong(TestRunAttr.DATA_IN.offset(), caller.map(packet));
            a.putInt(TestRunAttr.DATA_SIZE_IN.offset(), packet.length);
            long outAt = caller.map(out, true);
            a.putLong(TestRunAttr.DATA_OUT.offset(), outAt);
            a.putInt(TestRunAttr.REPEAT.offset(), 100);
            Attr attr = new Attr(a.array(), Attr.UNION_SIZE);
            assertEquals(0, new TestRunCommand(() -> engine).handle(attr, caller).value(), engine.name());
            assertEquals(86, attr.u32(TestRunAttr.RETVAL), engine.name());
            assertEquals(100, attr.u32(TestRunAttr.DATA_SIZE_OUT), engine.name());
        }
    }

    @Test
    void kprobeProgramsHaveNoTestRun() throws BpfException {
        caller.openObject(7, load(ProgramType.KPROBE, SKB_LEN));
        ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        a.putInt(TestRunAttr.PROG_FD.offset(), 7);
        BpfException e = assertThrows(BpfException.class, () -> new TestRunCommand(JitEngine::new)
                .handle(new Attr(a.array(), Attr.UNION_SIZE), caller));
        assertEquals(Errno.ENOTSUPP, e.errno());
    }

    @Test
    void theInterpreterIsChosenByTheServiceOptionOrForUnverifiedPrograms() {
        String before = System.getProperty(ProgramEngine.NO_JIT_PROPERTY);
        try {
            System.setProperty(ProgramEngine.NO_JIT_PROPERTY, "true");
            assertEquals("interpreter", ProgramEngine.configured(true).name());
            System.setProperty(ProgramEngine.NO_JIT_PROPERTY, "false");
            assertEquals("1".equals(System.getenv("BPFTIME_NO_JIT")) ? "interpreter" : "jit",
                    ProgramEngine.configured(true).name());
            assertEquals("interpreter", ProgramEngine.configured(false).name());
        } finally {
            if (before == null) {
                System.clearProperty(ProgramEngine.NO_JIT_PROPERTY);
            } else {
                System.setProperty(ProgramEngine.NO_JIT_PROPERTY, before);
            }
        }
    }

    @Test
    void theInterpreterRefusesAWildReadInsteadOfCrashing() throws BpfException {
        // r0 = *(u64 *)(r1 + 0x7000); exit: far outside the 96-byte argument block
        caller.openObject(8, load(ProgramType.RAW_TRACEPOINT, HexFormat.of().parseHex("7910007000000000"
                + "9500000000000000")));
        ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        a.putInt(TestRunAttr.PROG_FD.offset(), 8);
        BpfException e = assertThrows(BpfException.class, () -> new TestRunCommand(InterpreterEngine::new)
                .handle(new Attr(a.array(), Attr.UNION_SIZE), caller));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void theInterpreterStopsAnEndlessLoop() throws BpfException {
        // r0 = 0; l: if r0 != 1 goto l; exit
        caller.openObject(9, load(ProgramType.RAW_TRACEPOINT, HexFormat.of().parseHex("b700000000000000"
                + "5500ffff01000000" + "9500000000000000")));
        ByteBuffer a = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        a.putInt(TestRunAttr.PROG_FD.offset(), 9);
        BpfException e = assertThrows(BpfException.class, () -> new TestRunCommand(InterpreterEngine::new)
                .handle(new Attr(a.array(), Attr.UNION_SIZE), caller));
        assertEquals(Errno.EINVAL, e.errno());
    }
}
