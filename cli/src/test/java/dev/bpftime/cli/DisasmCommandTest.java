package dev.bpftime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.fixtures.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisasmCommandTest {

    private static final Path OPENSNOOP = Fixtures.bpfObject("opensnoop", "v4");

    /** What llvm-objdump-19 prints for the same arguments. */
    private static String objdump(String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/llvm-objdump-19")),
                "llvm-objdump-19 is not installed (Debian package llvm-19)");
        Process p = new ProcessBuilder(List.of(args)).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "llvm-objdump-19 failed");
        return out;
    }

    @Test
    void wholeObjectEqualsObjdump() throws Exception {
        CliRun run = CliRun.of("disasm", OPENSNOOP.toString());
        assertEquals(Main.EXIT_OK, run.code(), run.err());
        assertEquals(objdump("llvm-objdump-19", "-d", OPENSNOOP.toString()), run.out());
    }

    @Test
    void oneSectionEqualsObjdump() throws Exception {
        String section = "tracepoint/syscalls/sys_exit_openat";
        CliRun run = CliRun.of("disasm", OPENSNOOP.toString(), "--section", section);
        assertEquals(Main.EXIT_OK, run.code(), run.err());
        assertTrue(run.out().contains("Disassembly of section " + section + ":"), run.out());
        assertEquals(objdump("llvm-objdump-19", "-d", "--section=" + section, OPENSNOOP.toString()), run.out());
    }

    @Test
    void missingSectionWarnsLikeObjdump() {
        CliRun run = CliRun.of("disasm", OPENSNOOP.toString(), "--section", "no/such/section");
        assertEquals(Main.EXIT_OK, run.code());
        assertTrue(run.err().contains("bpftime: warning: section 'no/such/section' mentioned in a -j/--section option,"
                + " but not found in any input file"), run.err());
    }

    @Test
    void notAnObjectIsOneLineError(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.o"), "definitely not ELF");
        CliRun run = CliRun.of("disasm", junk.toString());
        assertEquals(Main.EXIT_FAILED, run.code());
        assertTrue(run.err().startsWith("bpftime: " + junk), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertEquals("", run.out());
    }

    @Test
    void missingFileAndDirectoryAreRefused(@TempDir Path dir) {
        CliRun missing = CliRun.of("disasm", dir.resolve("nope.o").toString());
        assertEquals(Main.EXIT_FAILED, missing.code());
        assertEquals("bpftime: " + dir.resolve("nope.o") + ": no such file\n", missing.err());
        CliRun directory = CliRun.of("disasm", dir.toString());
        assertEquals(Main.EXIT_FAILED, directory.code());
        assertTrue(directory.err().contains("is a directory"), directory.err());
    }
}
