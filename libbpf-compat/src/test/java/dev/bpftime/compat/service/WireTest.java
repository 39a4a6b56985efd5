package dev.bpftime.compat.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.compat.attr.Attr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The message layouts of syscall-shim/src/main/c/shim_wire.h (72-byte request, 32-byte reply header). */
class WireTest {

    private static byte[] request(int kind, int payloadLen, int total) {
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        b.putInt(Wire.MAGIC).putShort((short) Wire.VERSION).putShort((short) kind).putInt(11).putInt(12).putInt(1)
                .putInt(payloadLen);
        for (int i = 0; i < 6; i++) {
            b.putLong(100 + i);
        }
        for (int i = 0; i < payloadLen && b.hasRemaining(); i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    @Test
    void parsesARequest() {
        byte[] m = request(Wire.KIND_BPF, 3, 75);
        Wire.Request r = Wire.parse(m, m.length);
        assertEquals(Wire.KIND_BPF, r.kind());
        assertEquals(11, r.pid());
        assertEquals(12, r.tid());
        assertEquals(Wire.F_PTRACER_SET, r.flags());
        assertEquals(105, r.args()[5]);
        assertArrayEquals(new byte[] {0, 1, 2}, r.payload());
    }

    @Test
    void refusesMalformedRequests() {
        assertThrows(IllegalArgumentException.class, () -> Wire.parse(new byte[71], 71));
        byte[] lying = request(Wire.KIND_BPF, 10, 75);
        assertThrows(IllegalArgumentException.class, () -> Wire.parse(lying, lying.length));
        byte[] bad = request(Wire.KIND_BPF, 0, 72);
        bad[0] ^= 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wire.parse(bad, 72));
        assertEquals(true, e.getMessage().contains("vs expected 0x54465042 version 1"), e.getMessage());
    }

    @Test
    void buildsAReplyWithWritebacks() {
        byte[] r = Wire.reply(Wire.STATUS_DONE, -22, true, 2, 7,
                List.of(new Attr.Writeback(140, new byte[] {1, 2, 3, 4})));
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.nativeOrder());
        assertEquals(Wire.REPLY_HEADER + 8 + 4, r.length);
        assertEquals(Wire.MAGIC, b.getInt(0));
        assertEquals(-22, b.getLong(8));
        assertEquals(Wire.R_FD, b.getInt(16));
        assertEquals(2, b.getInt(20));
        assertEquals(7, b.getInt(24));
        assertEquals(1, b.getInt(28));
        assertEquals(140, b.getInt(32));
        assertEquals(4, b.getInt(36));
        assertEquals(4, b.get(43));
    }
}
