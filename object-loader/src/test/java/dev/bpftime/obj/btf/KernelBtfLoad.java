package dev.bpftime.obj.btf;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bpf(BPF_BTF_LOAD) on the running kernel, through JNA's libc syscall(): the oracle of the differential
 * test. JNA rather than a C helper because the test needs nothing but the one call and its errno, and a
 * call per case in the test's own process is faster than a helper process per case.
 */
final class KernelBtfLoad {

    private static final long SYS_BPF = 321; // x86-64
    private static final int BPF_BTF_LOAD = 18;
    private static final int ATTR_SIZE = 40;
    private static final int LOG_SIZE = 16 * 1024 * 1024;

    /** What the kernel answered: errno 0 when it accepted the blob, and its verifier log when asked for. */
    record Result(int errno, String log) {
        boolean accepted() {
            return errno == 0;
        }

        /** The last non-empty line of the log. */
        String lastLogLine() {
            String[] lines = log.split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isEmpty()) {
                    return lines[i];
                }
            }
            return "";
        }
    }

    private final Function syscall;
    private final Function close;
    private Memory logBuffer;

    private KernelBtfLoad() {
        NativeLibrary libc = NativeLibrary.getInstance("c");
        syscall = libc.getFunction("syscall");
        close = libc.getFunction("close");
    }

    /** Why the kernel cannot be the oracle here, or null when it can. */
    static String unavailableReason() {
        if (!System.getProperty("os.name").equals("Linux") || !System.getProperty("os.arch").equals("amd64")) {
            return "BPF_BTF_LOAD is called as the x86-64 Linux syscall; this is " + System.getProperty("os.name")
                    + " on " + System.getProperty("os.arch");
        }
        if (!isRoot()) {
            return "loading BTF into the kernel needs root (CAP_BPF); the test runs as another user";
        }
        return null;
    }

    static KernelBtfLoad open() {
        return new KernelBtfLoad();
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Loads {@code blob}; with {@code withLog} asks for the verifier log (level 1) as well. */
    Result load(byte[] blob, boolean withLog) {
        return load(blob, withLog ? 1 : 0);
    }

    /** Loads {@code blob} with a verifier log of {@code logLevel} (0: none). */
    Result load(byte[] blob, int logLevel) {
        boolean withLog = logLevel != 0;
        Memory data = new Memory(Math.max(1, blob.length));
        data.write(0, blob, 0, blob.length);
        Memory attr = new Memory(ATTR_SIZE);
        attr.clear();
        attr.setPointer(0, data);
        attr.setInt(16, blob.length);
        if (withLog) {
            if (logBuffer == null) {
                logBuffer = new Memory(LOG_SIZE);
            }
            logBuffer.setByte(0, (byte) 0);
            attr.setPointer(8, logBuffer);
            attr.setInt(20, LOG_SIZE);
            attr.setInt(24, logLevel);
        }
        int fd = syscall.invokeInt(new Object[] {SYS_BPF, BPF_BTF_LOAD, attr, ATTR_SIZE});
        int errno = fd < 0 ? Native.getLastError() : 0;
        if (fd >= 0) {
            close.invokeInt(new Object[] {fd});
        }
        // btf_log_true_size (Linux 6.4): the log's length with its NUL, so only that much is read
        String log = withLog ? readLog(logBuffer, attr.getInt(28)) : "";
        return new Result(errno, log);
    }

    private static String readLog(Pointer buffer, int trueSize) {
        byte[] bytes = buffer.getByteArray(0, Math.max(0, Math.min(trueSize, LOG_SIZE)));
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }
}
