package dev.bpftime.isa.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.asm.AssemblyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Corpus files with random edits (fixed seed) are either accepted or refused with one of the three
 * documented exceptions, never with another exception type.
 */
class MalformedInputTest {

    private static final String ALPHABET = "%[]+-,:# \n0123456789abcdefxrlock0x-- asmrawresult";
    private static final int MUTANTS = 10_000;

    @Test
    void editedFilesFailOnlyWithTheDocumentedExceptions() throws IOException {
        List<String> files = new ArrayList<>();
        for (Path p : SharedCorpus.files("tests")) {
            files.add(Files.readString(p));
        }
        for (Path p : SharedCorpus.files("negative")) {
            files.add(Files.readString(p));
        }
        Random random = new Random(20240501);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < MUTANTS; i++) {
            String original = files.get(random.nextInt(files.size()));
            String mutant = mutate(original, random, 1 + random.nextInt(3));
            try {
                ConformanceFile.parse("mutant" + i + ".data", mutant);
                accepted++;
            } catch (ConformanceFormatException | AssemblyException | DecodeException e) {
                refused++;
            } catch (RuntimeException e) {
                throw new AssertionError("mutant " + i + " raised " + e + " instead of a documented refusal:\n" + mutant, e);
            }
        }
        assertTrue(accepted > 0 && refused > 0, "accepted " + accepted + ", refused " + refused);
    }

    private static String mutate(String text, Random random, int edits) {
        StringBuilder sb = new StringBuilder(text);
        for (int e = 0; e < edits && sb.length() > 0; e++) {
            int at = random.nextInt(sb.length());
            char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            switch (random.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, c);
                case 2 -> sb.setCharAt(at, c);
                default -> {
                    int end = Math.min(sb.length(), at + 1 + random.nextInt(12));
                    sb.insert(at, sb.substring(at, end));
                }
            }
        }
        return sb.toString();
    }
}
