package dev.bpftime.compat.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.service.BpfCommands;
import dev.bpftime.compat.syscall.Dispatcher;
import dev.bpftime.compat.syscall.FakeCaller;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The commands newer than Linux 6.1 through the dispatcher: BPF_TOKEN_CREATE refused as outside a
 * delegating bpffs (EOPNOTSUPP for the bpffs at /sys/fs/bpf, which a test run under the shim cannot
 * reach as nobody), BPF_PROG_STREAM_READ_BY_FD's checks (the bpf_cases fields group compares the rest
 * with the kernel).
 */
class NewCommandsTest {

    private final Dispatcher dispatcher = BpfCommands.create(new ObjectTable(), null, (what, e) -> {
        throw new AssertionError(what, e);
    });
    private final FakeCaller caller = new FakeCaller();

    private long call(BpfCmd cmd, ByteBuffer attr) {
        return dispatcher.dispatch(cmd.number(), Attr.UNION_SIZE, attr.array(), 4096, caller).value();
    }

    private static ByteBuffer attr() {
        return ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
    }

    @Test
    void aTokenIsNeverMade() {
        caller.openOther(5, "/sys/fs/bpf");
        caller.openOther(6, "/tmp");
        assertEquals(-Errno.EOPNOTSUPP, call(BpfCmd.TOKEN_CREATE, attr().putInt(4, 5)), "the bpffs root");
        assertEquals(-Errno.EINVAL, call(BpfCmd.TOKEN_CREATE, attr().putInt(4, 6)), "another directory");
        assertEquals(-Errno.EBADF, call(BpfCmd.TOKEN_CREATE, attr().putInt(4, 7)), "no descriptor");
        assertEquals(-Errno.EINVAL, call(BpfCmd.TOKEN_CREATE, attr().putInt(0, 1).putInt(4, 5)), "flags first");
        assertEquals(-Errno.EINVAL, call(BpfCmd.TOKEN_CREATE, attr().putInt(4, 5).put(8, (byte) 1)), "an unused byte");
    }

    @Test
    void aStreamReadNeedsAProgram() {
        caller.openOther(5, "pipe:[1]");
        assertEquals(-Errno.EBADF, call(BpfCmd.PROG_STREAM_READ_BY_FD, attr().putInt(12, 1).putInt(16, 7)));
        assertEquals(-Errno.EINVAL, call(BpfCmd.PROG_STREAM_READ_BY_FD, attr().putInt(12, 1).putInt(16, 5)));
        assertEquals(-Errno.EINVAL, call(BpfCmd.PROG_STREAM_READ_BY_FD, attr().putInt(16, 7).put(20, (byte) 1)),
                "an unused byte before the descriptor");
    }
}
