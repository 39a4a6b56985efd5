package dev.bpftime.isa.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-written bytes of {@link FormTable} checked against LLVM's own BPF assembler: each row's
 * LLVM spelling, assembled by llvm-mc for v4, must encode to the same bytes. Skips when llvm-mc is missing.
 */
class LlvmOracleTest {

    private static final List<String> CANDIDATES = List.of("/usr/lib/llvm-19/bin/llvm-mc", "/usr/bin/llvm-mc-19",
            "/usr/bin/llvm-mc");
    private static final Pattern ENCODING = Pattern.compile("# encoding: \\[([^\\]]*)]");

    @Test
    void llvmEncodesEveryRowAsTheTableSays(@TempDir Path dir) throws IOException, InterruptedException {
        String llvmMc = CANDIDATES.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        Assumptions.assumeTrue(llvmMc != null, "llvm-mc is not installed (Debian package llvm-19)");

        List<FormTable.Row> rows = FormTable.ROWS.stream().filter(r -> r.llvm() != null).collect(Collectors.toList());
        Path source = dir.resolve("forms.s");
        Files.write(source, rows.stream().map(FormTable.Row::llvm).collect(Collectors.toList()));
        Process p = new ProcessBuilder(llvmMc, "-triple", "bpfel", "-mcpu=v4", "-show-encoding", source.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("llvm-mc did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), () -> "llvm-mc failed:\n" + out);

        List<String> encodings = new ArrayList<>();
        Matcher m = ENCODING.matcher(out);
        while (m.find()) {
            encodings.add(m.group(1).replace("0x", "").replace(",", " "));
        }
        assertEquals(rows.size(), encodings.size(), () -> "encodings printed by llvm-mc:\n" + out);
        for (int i = 0; i < rows.size(); i++) {
            FormTable.Row row = rows.get(i);
            assertEquals(row.hex(), encodings.get(i), "llvm-mc on '" + row.llvm() + "' (row '" + row.conformance() + "')");
        }
    }
}
