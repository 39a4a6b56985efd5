package dev.bpftime.jit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Disassembles raw x86-64 code with binutils' objdump, as the golden files show it. */
final class Objdump {

    private Objdump() {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("objdump", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code objdump -D -b binary -m i386:x86-64} of {@code code}: the instruction lines only (offset,
     * bytes, mnemonic), without the header that names the temporary file.
     */
    static String disassemble(byte[] code) throws IOException, InterruptedException {
        Path file = Files.createTempFile("bpftime-jit", ".bin");
        try {
            Files.write(file, code);
            Process p = new ProcessBuilder("objdump", "-D", "-b", "binary", "-m", "i386:x86-64", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("objdump failed: " + out);
            }
            List<String> lines = new ArrayList<>();
            boolean body = false;
            for (String line : out.split("\n")) {
                if (body && !line.isBlank()) {
                    lines.add(line.stripTrailing());
                } else if (line.endsWith("<.data>:")) {
                    body = true;
                }
            }
            return String.join("\n", lines) + "\n";
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
