package dev.bpftime.compat.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.attr.IdAttr;
import dev.bpftime.compat.posix.Errno;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of refusals before a handler runs, and what reaches the log. */
class DispatcherTest {

    private final List<String> log = new ArrayList<>();
    private final List<String> bugs = new ArrayList<>();
    private final FakeCaller caller = new FakeCaller();

    private Dispatcher dispatcher() {
        return new Dispatcher(log::add, (m, e) -> bugs.add(m + ": " + e.getMessage()))
                .register(BpfCmd.PROG_GET_NEXT_ID, (attr, c) -> {
                    attr.putU32(IdAttr.NEXT_ID, 77);
                    throw new BpfException(Errno.ENOENT, "after writing next_id");
                })
                .register(BpfCmd.PROG_GET_FD_BY_ID, (attr, c) -> {
                    throw new IllegalStateException("a bug");
                });
    }

    @Test
    void aBugInAHandlerFailsClosed() {
        assertEquals(-Errno.EPERM, dispatcher().dispatch(BpfCmd.PROG_GET_FD_BY_ID.number(), 4, new byte[4], 4096,
                caller).value());
        assertEquals(List.of("pid 4242 BPF_PROG_GET_FD_BY_ID: internal error: a bug"), bugs);
    }

    @Test
    void unknownCommandIsEinvalAfterTheSizeRules() {
        assertEquals(-Errno.EINVAL, dispatcher().dispatch(999, 8, new byte[8], 4096, caller).value());
        assertEquals(-Errno.E2BIG, dispatcher().dispatch(999, 5000, new byte[4096], 4096, caller).value());
        assertEquals(-Errno.EFAULT, dispatcher().dispatch(999, 8, new byte[0], 4096, caller).value());
        assertEquals(-Errno.EINVAL, dispatcher().dispatch(-1, 8, new byte[8], 4096, caller).value());
    }

    @Test
    void commandWithoutHandlerIsEinvalAndLogged() {
        Dispatcher.Result r = dispatcher().dispatch(BpfCmd.MAP_CREATE.number(), 72, new byte[72], 4096, caller);
        assertEquals(-Errno.EINVAL, r.value());
        assertTrue(log.get(0).contains("BPF_MAP_CREATE is not implemented by bpftime yet"), log.toString());
    }

    @Test
    void checkAttrComesBeforeTheMissingHandler() {
        byte[] b = new byte[Attr.UNION_SIZE];
        b[100] = 1;
        dispatcher().dispatch(BpfCmd.MAP_CREATE.number(), b.length, b, 4096, caller);
        assertTrue(log.get(0).contains("attr byte 100 is not zero"), log.toString());
    }

    @Test
    void writebacksSurviveARefusal() {
        Dispatcher.Result r = dispatcher().dispatch(BpfCmd.PROG_GET_NEXT_ID.number(), 8, new byte[8], 4096, caller);
        assertEquals(-Errno.ENOENT, r.value());
        assertNull(r.newFdFor());
        assertEquals(1, r.writebacks().size());
        assertEquals(IdAttr.NEXT_ID.offset(), r.writebacks().get(0).offset());
    }

    @Test
    void everyCommandNumberOfLinux61IsKnown() {
        for (int n = 0; n <= 35; n++) {
            assertEquals(n, BpfCmd.ofOrNull(n).number());
        }
        assertNull(BpfCmd.ofOrNull(38));
    }
}
