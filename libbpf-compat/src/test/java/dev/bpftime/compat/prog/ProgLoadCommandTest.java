package dev.bpftime.compat.prog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.ProgLoadAttr;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.AttrRules;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.FakeCaller;
import dev.bpftime.compat.syscall.Outcome;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BPF_PROG_LOAD against a fake caller: the order of checks, the log, log_true_size, the object made. */
class ProgLoadCommandTest {

    private static final byte[] RET0 = HexFormat.of().parseHex("b700000000000000" + "9500000000000000");
    private static final byte[] JUMP_OUT = HexFormat.of().parseHex("0500050000000000" + "9500000000000000");

    private FakeCaller caller;
    private ObjectTable objects;
    private ProgLoadCommand command;
    private ByteBuffer attr;

    @BeforeEach
    void setUp() {
        caller = new FakeCaller();
        objects = new ObjectTable();
        command = new ProgLoadCommand(objects, ProgramVerifier.STRUCTURAL_ONLY, () -> 123456789L,
                ProgTag.Algorithm.SHA256);
        attr = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        attr.putInt(ProgLoadAttr.PROG_TYPE.offset(), ProgramType.KPROBE.number());
        program(RET0);
        attr.putLong(ProgLoadAttr.LICENSE.offset(), caller.map("GPL\0".getBytes(StandardCharsets.US_ASCII)));
    }

    private void program(byte[] insns) {
        attr.putLong(ProgLoadAttr.INSNS.offset(), caller.map(insns));
        attr.putInt(ProgLoadAttr.INSN_CNT.offset(), insns.length / 8);
    }

    private Outcome load(int size) throws BpfException {
        return command.handle(AttrRules.copyIn(size, java.util.Arrays.copyOf(attr.array(), size), 4096), caller);
    }

    private int refusal() {
        return assertThrows(BpfException.class, () -> load(Attr.UNION_SIZE)).errno();
    }

    @Test
    void loadsAProgramWithItsProperties() throws BpfException {
        attr.put(ProgLoadAttr.PROG_NAME.offset(), "my_prog".getBytes(StandardCharsets.US_ASCII));
        Outcome o = load(Attr.UNION_SIZE);
        BpfProgram p = (BpfProgram) o.newFdFor();
        assertSame(p, objects.byId(ObjectKind.PROG, p.id()).orElseThrow());
        assertEquals(1, p.refs());
        assertEquals("my_prog", p.name());
        assertEquals(ProgramType.KPROBE, p.type());
        assertEquals(123456789L, p.loadTimeNs());
        assertEquals(1000, p.createdByUid());
        assertTrue(p.gplCompatible());
        assertEquals(2, p.verifiedInsns());
        assertEquals("59f4a931744dcdc6", HexFormat.of().formatHex(p.tag()));
    }

    @Test
    void refusalsInTheKernelsOrder() {
        attr.putInt(ProgLoadAttr.PROG_FLAGS.offset(), 1 << 30);
        attr.putInt(ProgLoadAttr.INSN_CNT.offset(), 0);
        assertEquals(Errno.EINVAL, refusal(), "flags first");
        attr.putInt(ProgLoadAttr.PROG_FLAGS.offset(), 0);
        assertEquals(Errno.E2BIG, refusal(), "then the count");
        attr.putInt(ProgLoadAttr.INSN_CNT.offset(), 2);
        attr.putLong(ProgLoadAttr.INSNS.offset(), 0);
        attr.putInt(ProgLoadAttr.PROG_TYPE.offset(), 9999);
        assertEquals(Errno.EFAULT, refusal(), "then the instructions, before the type");
        program(RET0);
        assertEquals(Errno.EINVAL, refusal(), "then the type");
        attr.putInt(ProgLoadAttr.PROG_TYPE.offset(), ProgramType.XDP.number());
        assertEquals(Errno.EINVAL, refusal(), "a type this runtime does not run");
    }

    @Test
    void aRefusalGoesToTheLogWithLogTrueSize() throws BpfException {
        program(JUMP_OUT);
        long buf = caller.map(new byte[256]);
        attr.putInt(ProgLoadAttr.LOG_LEVEL.offset(), 1);
        attr.putLong(ProgLoadAttr.LOG_BUF.offset(), buf);
        attr.putInt(ProgLoadAttr.LOG_SIZE.offset(), 256);
        Attr a = AttrRules.copyIn(Attr.UNION_SIZE, attr.array(), 4096);
        BpfException e = assertThrows(BpfException.class, () -> command.handle(a, caller));
        assertEquals(Errno.EINVAL, e.errno());
        String expected = "jump out of range from insn 0 to 6\n"
                + "processed 0 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
        assertEquals(expected, new String(caller.bytesAt(buf), 0, expected.length(), StandardCharsets.US_ASCII));
        assertEquals(1, a.writebacks().size());
        assertEquals(ProgLoadAttr.LOG_TRUE_SIZE.offset(), a.writebacks().get(0).offset());
        assertEquals(expected.length() + 1,
                ByteBuffer.wrap(a.writebacks().get(0).bytes()).order(ByteOrder.nativeOrder()).getInt());
        assertEquals(0, objects.count(), "nothing registered");
    }

    @Test
    void logTrueSizeNeedsAnAttrThatHasIt() throws BpfException {
        attr.putInt(ProgLoadAttr.LOG_LEVEL.offset(), 1);
        Attr a = AttrRules.copyIn(140, java.util.Arrays.copyOf(attr.array(), 140), 4096);
        command.handle(a, caller);
        assertEquals(0, a.writebacks().size());
    }

    @Test
    void aShortLogFailsEvenAGoodProgram() {
        long buf = caller.map(new byte[10]);
        attr.putInt(ProgLoadAttr.LOG_LEVEL.offset(), 1);
        attr.putLong(ProgLoadAttr.LOG_BUF.offset(), buf);
        attr.putInt(ProgLoadAttr.LOG_SIZE.offset(), 10);
        assertEquals(Errno.ENOSPC, refusal());
        assertEquals(0, objects.count());
    }

    @Test
    void namesAndLicenses() throws BpfException {
        attr.put(ProgLoadAttr.PROG_NAME.offset(), "bad-name".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Errno.EINVAL, refusal());
        attr.put(ProgLoadAttr.PROG_NAME.offset(), new byte[16]);
        attr.putLong(ProgLoadAttr.LICENSE.offset(), caller.map("Proprietary\0".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(false, ((BpfProgram) load(Attr.UNION_SIZE).newFdFor()).gplCompatible());
        attr.putLong(ProgLoadAttr.LICENSE.offset(), caller.map("GPL".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Errno.EFAULT, refusal(), "a license running into unmapped memory before its NUL");
    }
}
