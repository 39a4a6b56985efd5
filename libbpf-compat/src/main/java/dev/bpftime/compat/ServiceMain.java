package dev.bpftime.compat;

import dev.bpftime.compat.posix.LibC;
import dev.bpftime.compat.service.RuntimeDir;
import dev.bpftime.compat.service.Service;
import dev.bpftime.compat.service.ServiceLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code bpftime service}: runs this user's service in the foreground until stopped (SIGTERM, SIGINT)
 * or idle. The shim starts it by itself when an app calls bpf() and none runs; run by hand it serves
 * the same socket.
 *
 * <pre>
 * bpftime service [--runtime-dir DIR] [--idle-exit SECONDS] [--debug] [--no-jit]
 *   --runtime-dir  where the socket, pid file and logs live (default: the shim's rule, see RuntimeDir)
 *   --idle-exit    stop after this many seconds without clients or objects (default: $BPFTIME_SERVICE_IDLE_EXIT
 *                  or 300; 0: never)
 *   --debug        log every refused call
 *   --no-jit       run BPF_PROG_TEST_RUN on the interpreter instead of the JIT (also: $BPFTIME_NO_JIT=1)
 * </pre>
 *
 * Exit codes: 0 stopped, 1 failed to start, 2 bad command line, 3 another service already serves the
 * directory.
 */
public final class ServiceMain {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_ALREADY_RUNNING = 3;

    private static final long DEFAULT_IDLE_EXIT_SECONDS = 300;

    private ServiceMain() {
    }

    public static void main(String[] args) {
        System.exit(run(System.err, args));
    }

    /** Runs the service with a command line (without the word "service"); returns the exit code. */
    public static int run(PrintStream err, String... args) {
        Path dir = null;
        long idleExit = idleExitDefault();
        boolean debug = System.getenv("BPFTIME_SERVICE_DEBUG") != null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--debug")) {
                debug = true;
            } else if (a.equals("--no-jit")) {
                // BPF_PROG_TEST_RUN on the interpreter, as with $BPFTIME_NO_JIT=1.
                System.setProperty(dev.bpftime.compat.testrun.ProgramEngine.NO_JIT_PROPERTY, "true");
            } else if ((a.equals("--runtime-dir") || a.equals("--idle-exit")) && i + 1 < args.length) {
                String v = args[++i];
                if (a.equals("--runtime-dir")) {
                    dir = Path.of(v);
                } else {
                    try {
                        idleExit = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        idleExit = -1;
                    }
                    if (idleExit < 0) {
                        err.println("bpftime service: --idle-exit: actual '" + v + "' vs expected seconds >= 0");
                        return EXIT_USAGE;
                    }
                }
            } else {
                err.println("bpftime service: unknown argument '" + a + "'; usage: bpftime service [--runtime-dir DIR]"
                        + " [--idle-exit SECONDS] [--debug] [--no-jit]");
                return EXIT_USAGE;
            }
        }
        try {
            if (dir == null) {
                dir = RuntimeDir.choose(System.getenv(), LibC.geteuid());
            }
            RuntimeDir.prepare(dir);
        } catch (IOException e) {
            err.println("bpftime service: " + e.getMessage());
            return EXIT_FAILED;
        }
        return serve(dir, idleExit * 1000, debug, err);
    }

    /** $BPFTIME_SERVICE_IDLE_EXIT (seconds) when set, so that a service the shim starts can be told too. */
    private static long idleExitDefault() {
        String v = System.getenv("BPFTIME_SERVICE_IDLE_EXIT");
        if (v != null) {
            try {
                long s = Long.parseLong(v.trim());
                if (s >= 0) {
                    return s;
                }
            } catch (NumberFormatException e) {
                // Fall back to the default.
            }
        }
        return DEFAULT_IDLE_EXIT_SECONDS;
    }

    private static int serve(Path dir, long idleExitMs, boolean debug, PrintStream err) {
        Path pidFile = dir.resolve(RuntimeDir.PID_FILE);
        Path socket = dir.resolve(RuntimeDir.SOCKET);
        try (FileChannel pid = FileChannel.open(pidFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            FileLock lock = awaitLock(pid, socket);
            if (lock == null) {
                err.println("bpftime service: another service already serves " + dir + " (pid "
                        + Files.readString(pidFile).trim() + ")");
                return EXIT_ALREADY_RUNNING;
            }
            ServiceLog log = new ServiceLog(dir.resolve(RuntimeDir.LOG), debug);
            // We hold the lock, so a socket file left behind is a dead service's: replace it.
            Files.deleteIfExists(socket);
            pid.truncate(0);
            pid.write(java.nio.ByteBuffer.wrap((LibC.getpid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            try (Service service = new Service(socket, log, idleExitMs)) {
                Thread hook = new Thread(() -> {
                    service.stop();
                    cleanUp(socket);
                    log.info("bpftime service pid " + LibC.getpid() + " stopped by a signal");
                }, "bpftime-service-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                log.info("bpftime service pid " + LibC.getpid() + " listening on " + socket);
                service.run();
                cleanUp(socket);
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Already running it.
                }
                log.info("bpftime service pid " + LibC.getpid() + " stopped");
            }
            return EXIT_OK;
        } catch (IOException | RuntimeException e) {
            err.println("bpftime service: cannot serve " + dir + ": " + e);
            return EXIT_FAILED;
        }
    }

    /**
     * The pid file's lock, or null when another service holds it and serves. A holder without a socket
     * is a service on its way out (it removes its socket, then exits and so drops the lock) or on its
     * way in (it binds right after taking the lock): wait for it to go or to listen, up to
     * {@link #LOCK_WAIT_MS}. Giving up at once would leave the directory with no service for the shim
     * that started this one (the socket gone, the pid file still naming the exiting service).
     */
    static FileLock awaitLock(FileChannel pid, Path socket) throws IOException {
        long deadline = System.nanoTime() + LOCK_WAIT_MS * 1_000_000L;
        FileLock lock;
        while ((lock = pid.tryLock()) == null) {
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) || System.nanoTime() > deadline) {
                return null;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return lock;
    }

    /** How long a starting service waits for a previous one that holds the lock without a socket. */
    static final long LOCK_WAIT_MS = 10_000;

    /**
     * Removes the socket while we still hold the pid file's lock, so it cannot be a successor's. The pid
     * file stays: its lock, not its existence, says whether a service runs.
     */
    private static void cleanUp(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // Best effort at exit: the next service replaces it under the lock.
        }
    }
}
