package dev.bpftime.test.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process of an end-to-end test running in the background, its stdout and stderr going to files the
 * test reads while it runs. Every wait has a time limit and fails with everything the process said.
 */
final class Running implements AutoCloseable {

    private static final long POLL_MS = 20;

    private final String name;
    private final List<String> argv;
    private final Process process;
    private final Path out;
    private final Path err;

    Running(String name, List<String> argv, Process process, Path out, Path err) {
        this.name = name;
        this.argv = List.copyOf(argv);
        this.process = process;
        this.out = out;
        this.err = err;
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    String out() {
        return read(out);
    }

    String err() {
        return read(err);
    }

    List<String> outLines() {
        return out().lines().toList();
    }

    /** Waits for a line of stdout matching {@code regex}; returns its match (groups usable). */
    Matcher awaitLine(String regex, Duration limit) {
        Pattern p = Pattern.compile(regex);
        Matcher[] found = new Matcher[1];
        awaitOutput("a line matching /" + regex + "/", limit, text -> {
            for (String line : text.split("\n")) {
                Matcher m = p.matcher(line);
                if (m.matches()) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Waits until stdout satisfies {@code done}, failing with {@code what} and the outputs after {@code limit}. */
    void awaitOutput(String what, Duration limit, Predicate<String> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (done.test(out())) {
                return;
            }
            if (!process.isAlive()) {
                // One more look: it may have printed it just before exiting.
                if (done.test(out())) {
                    return;
                }
                fail(name + " exited " + process.exitValue() + " before printing " + what + "\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                fail(name + " did not print " + what + " within " + limit.toMillis() + " ms\n" + describe());
            }
            sleep(POLL_MS);
        }
    }

    /** Like {@link #awaitOutput} but returns false instead of failing when the time is up. */
    boolean awaitOutputQuietly(Duration limit, Predicate<String> done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.test(out())) {
                return true;
            }
            sleep(POLL_MS);
        }
        return done.test(out());
    }

    /** Sends a signal (by name, as kill(1) takes it) to this process. */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            kill.waitFor();
        } catch (IOException e) {
            fail("kill -" + signal + " " + process.pid() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    /** Waits for the process to end; returns its exit status. */
    int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(name + " did not exit within " + limit.toMillis() + " ms\n" + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What ran and everything it said, for failure messages. */
    String describe() {
        String state = process.isAlive() ? "running" : "exited " + process.exitValue();
        return "--- " + name + " (" + state + "): " + String.join(" ", argv) + "\n--- stdout\n" + out()
                + "--- stderr\n" + err();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
