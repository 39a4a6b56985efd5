package dev.bpftime.compat.prog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.FakeCaller;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** kernel/bpf/log.c: attribute checks, truncation in both modes, log_true_size, ENOSPC, EFAULT. */
class VerifierLogTest {

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    @Test
    void attributesAreChecked() {
        assertEquals(Errno.EINVAL, assertThrows(BpfException.class, () -> VerifierLog.open(1, 0x1000, 0)).errno());
        assertEquals(Errno.EINVAL, assertThrows(BpfException.class, () -> VerifierLog.open(1, 0, 10)).errno());
        assertEquals(Errno.EINVAL, assertThrows(BpfException.class, () -> VerifierLog.open(0, 0x1000, 10)).errno());
        assertEquals(Errno.EINVAL, assertThrows(BpfException.class, () -> VerifierLog.open(16, 0x1000, 10)).errno());
        assertEquals(Errno.EINVAL,
                assertThrows(BpfException.class, () -> VerifierLog.open(1, 0x1000, 0x40000000)).errno());
    }

    @Test
    void aLevelWithoutBufferStillMeasures() throws BpfException {
        VerifierLog log = VerifierLog.open(1, 0, 0);
        log.line("abc");
        assertEquals(new VerifierLog.Result(0, 5), log.finish(new FakeCaller()));
    }

    @Test
    void noLevelNoLog() throws BpfException {
        VerifierLog log = VerifierLog.open(0, 0, 0);
        log.line("abc");
        assertEquals(new VerifierLog.Result(0, 0), log.finish(new FakeCaller()));
    }

    @Test
    void aFittingLogIsWrittenWithItsNul() throws BpfException {
        FakeCaller c = new FakeCaller();
        long buf = c.map(filled(16));
        VerifierLog log = VerifierLog.open(1, buf, 16);
        log.line("hello");
        assertEquals(new VerifierLog.Result(0, 7), log.finish(c));
        assertArrayEquals("hello\n\0xxxxxxxxx".getBytes(StandardCharsets.US_ASCII), c.bytesAt(buf));
    }

    @Test
    void rotatingModeKeepsTheTail() throws BpfException {
        FakeCaller c = new FakeCaller();
        long buf = c.map(filled(6));
        VerifierLog log = VerifierLog.open(1, buf, 6);
        log.line("first");
        log.line("second");
        assertEquals(new VerifierLog.Result(Errno.ENOSPC, 14), log.finish(c));
        assertArrayEquals("cond\n\0".getBytes(StandardCharsets.US_ASCII), c.bytesAt(buf));
    }

    @Test
    void fixedModeKeepsTheHead() throws BpfException {
        FakeCaller c = new FakeCaller();
        long buf = c.map(filled(6));
        VerifierLog log = VerifierLog.open(1 | VerifierLog.FIXED, buf, 6);
        log.line("first");
        log.line("second");
        assertEquals(new VerifierLog.Result(Errno.ENOSPC, 14), log.finish(c));
        assertArrayEquals("first\0".getBytes(StandardCharsets.US_ASCII), c.bytesAt(buf));
    }

    @Test
    void exactlyFullIsNotTruncated() throws BpfException {
        FakeCaller c = new FakeCaller();
        long buf = c.map(filled(4));
        VerifierLog log = VerifierLog.open(1, buf, 4);
        log.line("ab");
        assertEquals(new VerifierLog.Result(0, 4), log.finish(c));
    }

    @Test
    void anUnwritableBufferIsEfault() throws BpfException {
        FakeCaller c = new FakeCaller();
        long buf = c.map(filled(16), false);
        VerifierLog log = VerifierLog.open(1, buf, 16);
        log.line("x");
        assertEquals(new VerifierLog.Result(Errno.EFAULT, 3), log.finish(c));
    }
}
