package dev.bpftime.compat.info;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.FakeCaller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** struct bpf_map_info as bpf_map_get_info_by_fd fills it, at the uapi offsets, cut at info_len. */
class MapInfoWriterTest {

    private static final class FakeMap extends BpfObject implements MapInfoSource {
        FakeMap() {
            super(ObjectKind.MAP);
        }

        public int mapType() {
            return 2;
        }

        public int keySize() {
            return 4;
        }

        public int valueSize() {
            return 8;
        }

        public int maxEntries() {
            return 16;
        }

        public int mapFlags() {
            return 0x400;
        }

        public String name() {
            return "counts";
        }

        @Override
        public int btfId() {
            return 7;
        }

        @Override
        public int btfValueTypeId() {
            return 3;
        }

        @Override
        public long mapExtra() {
            return 0x1_0000_0002L;
        }
    }

    @Test
    void fillsTheUapiLayout() throws BpfException {
        FakeCaller caller = new FakeCaller();
        BpfObject map = new ObjectTable().register(new FakeMap());
        long at = caller.map(new byte[MapInfoWriter.SIZE]);
        assertEquals(MapInfoWriter.SIZE, new MapInfoWriter().write(map, at, MapInfoWriter.SIZE, caller));
        ByteBuffer b = ByteBuffer.wrap(caller.bytesAt(at)).order(ByteOrder.nativeOrder());
        assertEquals(2, b.getInt(0));
        assertEquals(map.id(), b.getInt(4));
        assertEquals(4, b.getInt(8));
        assertEquals(8, b.getInt(12));
        assertEquals(16, b.getInt(16));
        assertEquals(0x400, b.getInt(20));
        assertEquals("counts", new String(Arrays.copyOfRange(caller.bytesAt(at), 24, 30), StandardCharsets.US_ASCII));
        assertEquals(0, b.get(30));
        assertEquals(7, b.getInt(64));
        assertEquals(3, b.getInt(72));
        assertEquals(0x1_0000_0002L, b.getLong(80));
    }

    @Test
    void writesOnlyInfoLenBytes() throws BpfException {
        FakeCaller caller = new FakeCaller();
        BpfObject map = new ObjectTable().register(new FakeMap());
        byte[] mine = new byte[MapInfoWriter.SIZE];
        Arrays.fill(mine, (byte) 0xee);
        long at = caller.map(mine);
        new MapInfoWriter().write(map, at, 8, caller);
        byte[] after = caller.bytesAt(at);
        assertEquals(2, ByteBuffer.wrap(after).order(ByteOrder.nativeOrder()).getInt(0));
        assertEquals((byte) 0xee, after[8], "beyond info_len stays the caller's");
    }
}
