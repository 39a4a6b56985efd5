package dev.bpftime.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the C test programs the Makefile builds into target/native/test. */
final class NativeTestPrograms {
    private NativeTestPrograms() {
    }

    static Path program(String name) {
        Path dir = NativeLibraryLocator.locate().getParent().resolve("test");
        Path p = dir.resolve(name);
        assertTrue(Files.isExecutable(p), "test program " + p + " is not built (the Makefile builds it)");
        return p;
    }

    /** Runs it to completion within the timeout (a hang is a deadlock: fail) and returns stdout. */
    static String run(long timeoutSeconds, String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(program(name).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(finished, String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s (deadlock?):\n" + out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }
}
