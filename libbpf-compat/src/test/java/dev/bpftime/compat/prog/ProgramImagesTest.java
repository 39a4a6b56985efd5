package dev.bpftime.compat.prog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.attr.ProgLoadAttr;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.service.BpfCommands;
import dev.bpftime.compat.syscall.Dispatcher;
import dev.bpftime.compat.syscall.FakeCaller;
import dev.bpftime.jit.Relocation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BPF_PROG_LOAD leaves an image for traced processes: map references as map ids, and the JIT's code. */
class ProgramImagesTest {

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

    private int arrayMap() {
        ByteBuffer a = ByteBuffer.allocate(144).order(ByteOrder.nativeOrder()).putInt(0, 2).putInt(4, 4).putInt(8, 16)
                .putInt(12, 1);
        assertNotNull(call(BpfCmd.MAP_CREATE, a).newFdFor());
        return nextFd - 1;
    }

    private BpfProgram load(byte[] insns) {
        ByteBuffer a = ByteBuffer.allocate(144).order(ByteOrder.nativeOrder());
        a.putInt(ProgLoadAttr.PROG_TYPE.offset(), ProgramType.KPROBE.number());
        a.putLong(ProgLoadAttr.INSNS.offset(), caller.map(insns));
        a.putInt(ProgLoadAttr.INSN_CNT.offset(), insns.length / 8);
        a.putLong(ProgLoadAttr.LICENSE.offset(), caller.map("GPL\0".getBytes(StandardCharsets.US_ASCII)));
        Dispatcher.Result r = call(BpfCmd.PROG_LOAD, a);
        assertNotNull(r.newFdFor(), "PROG_LOAD: " + r.value());
        return (BpfProgram) r.newFdFor();
    }

    private static byte[] lddw(int src, int imm, int secondImm) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x18).put((byte) (src << 4 | 1))
                .putShort((short) 0).putInt(imm).putInt(0).putInt(secondImm).array();
    }

    @Test
    void mapReferencesBecomeMapIdsForTheAgentAndTheJit() {
        int fd = arrayMap();
        int mapId = objects.idAtOrAfter(ObjectKind.MAP, 1).orElseThrow();
        // r1 = map; r1 = &value + 8; r0 = 0; exit
        ByteBuffer insns = ByteBuffer.allocate(48);
        insns.put(lddw(1, fd, 0)).put(lddw(2, fd, 8)).put(HexFormat.of().parseHex("b700000000000000" + "9500000000000000"));
        BpfProgram p = load(insns.array());
        ProgramImage image = p.image();
        ByteBuffer out = ByteBuffer.wrap(image.insns()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x11, out.get(1), "map fd reference: src 1");
        assertEquals(mapId, out.getInt(4));
        assertEquals(0x21, out.get(17), "map value reference: src 2");
        assertEquals(mapId, out.getInt(20));
        assertEquals(8, out.getInt(28), "the value offset stays in the second half");
        assertNotNull(image.jit(), "the JIT compiled it: " + image.jitRefusal());
        List<Relocation> maps = image.jit().relocations().stream().filter(r -> r.kind().isMap()).toList();
        assertEquals(2, maps.size(), maps.toString());
        assertEquals(Relocation.Kind.MAP_FD, maps.get(0).kind());
        assertEquals(mapId, maps.get(0).key());
        assertEquals(Relocation.Kind.MAP_VALUE, maps.get(1).kind());
        assertEquals(mapId, maps.get(1).key());
        assertEquals(8, maps.get(1).addend());
    }

    @Test
    void aProgramTheJitRefusesStillLoadsForTheInterpreter() {
        // ld_abs (legacy packet access): structurally sound, but the JIT needs a socket buffer it has not
        ByteBuffer insns = ByteBuffer.allocate(24);
        insns.put(HexFormat.of().parseHex("bf16000000000000" + "2000000000000000" + "9500000000000000"));
        BpfProgram p = load(insns.array());
        assertNull(p.image().jit());
        assertTrue(p.image().jitRefusal().contains("at instruction 1"), p.image().jitRefusal());
    }
}
