package dev.bpftime.test;

import static dev.bpftime.isa.Asm.call;
import static dev.bpftime.isa.Asm.exit;
import static dev.bpftime.isa.Asm.jump;
import static dev.bpftime.isa.Asm.label;
import static dev.bpftime.isa.Asm.ldMapFd;
import static dev.bpftime.isa.Asm.mov64;
import static dev.bpftime.isa.Register.R0;
import static dev.bpftime.isa.Register.R1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.Asm;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.isa.JumpOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bin/bpftime as a user gets it: dist/ copied to another folder, started through symlinks, by
 * another user, with Java found through JAVA_HOME or PATH.
 */
class DistributionTest {

    /** Seven slots: the ld_imm64 takes two. */
    private static final List<Instruction> PROGRAM = Asm.assemble(
            mov64(R0, 0),
            ldMapFd(R1, 3),
            jump(JumpOp.JEQ, R1, 0, "out"),
            call(1),
            mov64(R0, 1),
            label("out"),
            exit());
    private static final byte[] CODE = InstructionEncoder.encode(PROGRAM);

    @RegisterExtension
    final DistHome dist = new DistHome();

    @Test
    void everyFileIsReadableByAllAndTheLauncherExecutable() throws IOException {
        Path built = Dist.folder();
        try (Stream<Path> all = Files.walk(built)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                assertTrue(perms.contains(PosixFilePermission.OTHERS_READ), p + " not readable by others: " + perms);
                assertFalse(perms.contains(PosixFilePermission.OTHERS_WRITE), p + " writable by others: " + perms);
                if (Files.isDirectory(p)) {
                    assertTrue(perms.contains(PosixFilePermission.OTHERS_EXECUTE), p + " not searchable: " + perms);
                }
            }
        }
        assertTrue(Files.getPosixFilePermissions(built.resolve("bin/bpftime")).contains(PosixFilePermission.OTHERS_EXECUTE));
        assertTrue(Files.isRegularFile(built.resolve("lib/bpftime-cli-" + Dist.version() + ".jar")));
        assertTrue(Files.isRegularFile(built.resolve("lib/bpftime-isa-" + Dist.version() + ".jar")));
    }

    @Test
    void versionFromACopyReportsTheBuiltVersionAndTheCopyAsHome() throws Exception {
        Command.Result r = dist.bpftime("version").run();
        assertEquals(0, r.code(), r.describe());
        assertEquals("bpftime " + Dist.version(), r.lines()[0], r.describe());
        assertTrue(r.out().contains("\nhome " + dist.home().toRealPath() + "\n"), r.describe());
        assertEquals("", r.err(), r.describe());
    }

    @Test
    void decodeFromACopyReadsHexAFileAndStandardInput() throws Exception {
        Command.Result fromHex = dist.bpftime("decode", "--hex", HexFormat.ofDelimiter(" ").formatHex(CODE)).run();
        assertEquals(0, fromHex.code(), fromHex.describe());
        String[] lines = fromHex.lines();
        assertEquals(PROGRAM.size(), lines.length, fromHex.describe());
        assertTrue(lines[0].matches("0: b7 00 00 00 00 00 00 00 +alu64 mov k +dst=r0 src=r0 off=0 imm=0"), lines[0]);
        assertTrue(lines[1].matches("1: 18 11 00 00 03 00 00 00 00 00 00 00 00 00 00 00 +ld imm dw map_fd .*"), lines[1]);
        assertTrue(lines[PROGRAM.size() - 1].matches("6: 95 00 00 00 00 00 00 00 +jmp exit .*"), fromHex.describe());

        Path file = Files.write(dist.temp().resolve("prog.bin"), CODE);
        Command.Result fromFile = dist.bpftime("decode", file.toString()).run();
        assertEquals(fromHex.out(), fromFile.out(), fromFile.describe());
        Command.Result fromStdin = dist.bpftime("decode", "-").stdin(CODE).run();
        assertEquals(fromHex.out(), fromStdin.out(), fromStdin.describe());
    }

    @Test
    void errorsAreOneLineOnStderrWithExitCodes() throws Exception {
        Command.Result bad = dist.bpftime("decode", "--hex", "95 00 00 00 00 00 00 00 ff 00 00 00 00 00 00 00").run();
        assertEquals(1, bad.code(), bad.describe());
        assertEquals("bpftime: hex text: at instruction 1: unknown opcode 0xff\n", bad.err(), bad.describe());
        assertEquals("", bad.out());

        Command.Result usage = dist.bpftime("frobnicate").run();
        assertEquals(2, usage.code(), usage.describe());
        assertTrue(usage.err().startsWith("bpftime: Unmatched argument at index 0: 'frobnicate'"), usage.describe());
        assertFalse(usage.err().contains("\tat "), usage.describe());
    }

    @Test
    void launcherFindsItsHomeThroughSymlinks() throws Exception {
        Path binDir = Files.createDirectories(dist.temp().resolve("somewhere/bin"));
        Path absolute = Files.createSymbolicLink(binDir.resolve("bpftime-abs"), dist.home().resolve("bin/bpftime"));
        // A chain of relative links: link2 -> link1 -> ../../bpftime-copy/bin/bpftime
        Files.createSymbolicLink(binDir.resolve("link1"), Path.of("../../bpftime-copy/bin/bpftime"));
        Path chained = Files.createSymbolicLink(binDir.resolve("link2"), Path.of("link1"));
        for (Path link : List.of(absolute, chained)) {
            Command.Result r = new Command(dist.temp(), List.of(link.toString(), "version")).run();
            assertEquals(0, r.code(), r.describe());
            assertTrue(r.out().contains("\nhome " + dist.home().toRealPath() + "\n"), r.describe());
        }
    }

    @Test
    void javaHomeWinsOverPath() throws Exception {
        Path fakeHome = dist.temp().resolve("fake-jdk");
        Path marker = dist.temp().resolve("java-home-used");
        recordingJava(fakeHome.resolve("bin"), marker);
        Command c = dist.bpftime("version");
        c.env().put("JAVA_HOME", fakeHome.toString());
        Command.Result r = c.run();
        assertEquals(0, r.code(), r.describe());
        assertTrue(Files.exists(marker), "bin/bpftime did not run $JAVA_HOME/bin/java\n" + r.describe());
    }

    @Test
    void javaFromPathWithoutJavaHome() throws Exception {
        Path fakeBin = dist.temp().resolve("fake-bin");
        Path marker = dist.temp().resolve("path-java-used");
        recordingJava(fakeBin, marker);
        Command c = dist.bpftime("version");
        c.env().remove("JAVA_HOME");
        c.env().put("PATH", fakeBin + ":/usr/bin:/bin");
        Command.Result r = c.run();
        assertEquals(0, r.code(), r.describe());
        assertTrue(Files.exists(marker), "bin/bpftime did not run java from PATH\n" + r.describe());
    }

    @Test
    void unusableJavaHomeIsAClearError() throws Exception {
        Command c = dist.bpftime("version");
        c.env().put("JAVA_HOME", dist.temp().resolve("no-such-jdk").toString());
        Command.Result r = c.run();
        assertEquals(1, r.code(), r.describe());
        assertTrue(r.err().startsWith("bpftime: JAVA_HOME is " + dist.temp().resolve("no-such-jdk")), r.describe());
    }

    @Test
    void runsAsAnotherUser() throws Exception {
        Unprivileged.assumeAvailable();
        Path file = Files.write(dist.temp().resolve("prog.bin"), CODE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        String launcher = dist.home().resolve("bin/bpftime").toString();
        Command.Result version = Unprivileged.command(dist.temp(), launcher, "version").run();
        assertEquals(0, version.code(), version.describe());
        assertEquals("bpftime " + Dist.version(), version.lines()[0], version.describe());

        Command.Result decode = Unprivileged.command(dist.temp(), launcher, "decode", file.toString()).run();
        assertEquals(0, decode.code(), decode.describe());
        assertEquals(PROGRAM.size(), decode.lines().length, decode.describe());
    }

    /** A java that leaves a marker file, then runs the real one. */
    private static void recordingJava(Path binDir, Path marker) throws IOException {
        Files.createDirectories(binDir);
        Path java = binDir.resolve("java");
        Files.writeString(java, "#!/bin/sh\n: > '" + marker + "'\nexec '"
                + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
