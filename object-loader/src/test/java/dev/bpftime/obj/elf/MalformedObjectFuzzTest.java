package dev.bpftime.obj.elf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpftime.obj.disasm.ObjectDisassembler;
import dev.bpftime.obj.testing.Tools;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Truncated and bit-flipped copies of the small corpus objects, seeded so that a failure repeats: reading
 * every part of the file and disassembling it may only ever throw {@link ObjectFormatException}, whose
 * message must name the file and say "actual ... vs expected ...". Flips favour the ELF header, the section
 * header table and the symbol table, where a flip changes structure rather than instruction bytes.
 */
class MalformedObjectFuzzTest {

    /** Fixed so that failures repeat; -Dbpftime.fuzz.seed=N explores others. */
    private static final long SEED = Long.getLong("bpftime.fuzz.seed", 0x5eed_b9f7L);
    private static final int CASES = 24_000;

    @Test
    void malformedObjectsOnlyEverRaiseObjectFormatException() throws Exception {
        List<byte[]> corpus = smallCorpusObjects();
        assertTrue(corpus.size() > 50, "expected the small objects of the ebpf-samples corpus, found " + corpus.size());
        Random random = new Random(SEED);
        int refused = 0;
        for (int n = 0; n < CASES; n++) {
            byte[] original = corpus.get(random.nextInt(corpus.size()));
            byte[] mutated = mutate(original, random);
            String name = "case-" + n;
            try {
                readEverything(mutated, name);
            } catch (ObjectFormatException e) {
                refused++;
                if (!e.getMessage().startsWith(name + ": ") || !e.getMessage().contains("actual ")
                        || !e.getMessage().contains(" vs expected ")) {
                    fail("message of case " + n + " lacks file or actual/expected: " + e.getMessage());
                }
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("case " + n + " (seed " + SEED + ") escaped as " + e, e);
            }
        }
        System.out.printf("fuzz: %d malformed objects, %d refused with ObjectFormatException, %d still readable%n",
                CASES, refused, CASES - refused);
    }

    private static void readEverything(byte[] data, String name) {
        ElfFile elf = ElfFile.parse(data, name);
        for (SectionHeader s : elf.sections()) {
            elf.describe(s);
            elf.contents(s);
            if (s.type() == Elf.SHT_REL) {
                elf.relocations(s);
                elf.relocatedSection(s);
            }
        }
        elf.symbols();
        for (SectionHeader s : elf.sections()) {
            elf.sectionName(s);
        }
        ObjectDisassembler.disassemble(data, name, null, new ArrayList<>());
        ObjectDisassembler.disassemble(data, name, ".text", new ArrayList<>());
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] data = original.clone();
        if (random.nextInt(4) == 0) {
            return Arrays.copyOf(data, random.nextInt(data.length));
        }
        int flips = 1 + random.nextInt(6);
        for (int i = 0; i < flips; i++) {
            int at = target(original, random);
            data[at] ^= (byte) (1 << random.nextInt(8));
        }
        return data;
    }

    /** A byte of the header, of the section header table, of the symbol table, or anywhere (of the sound original). */
    private static int target(byte[] data, Random random) {
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = buf.getLong(40);
        int shnum = Short.toUnsignedInt(buf.getShort(60));
        long tableEnd = shoff + 64L * shnum;
        switch (random.nextInt(4)) {
            case 0 -> {
                return random.nextInt(64);
            }
            case 1 -> {
                if (shnum > 0 && tableEnd <= data.length) {
                    return (int) shoff + random.nextInt(64 * shnum);
                }
            }
            case 2 -> {
                for (int i = 0; i < shnum && tableEnd <= data.length; i++) {
                    int at = (int) shoff + 64 * i;
                    long off = buf.getLong(at + 24);
                    long size = buf.getLong(at + 32);
                    if (buf.getInt(at + 4) == Elf.SHT_SYMTAB && size > 0 && off + size <= data.length) {
                        return (int) (off + random.nextInt((int) size));
                    }
                }
            }
            default -> {
                // anywhere
            }
        }
        return random.nextInt(data.length);
    }

    private static List<byte[]> smallCorpusObjects() throws Exception {
        Path corpus = Tools.shared().resolve("corpus/ebpf-samples");
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(corpus)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                byte[] data = Files.readAllBytes(p);
                if (data.length >= 64 && data.length <= 16 * 1024 && data[0] == 0x7f && data[1] == 'E') {
                    out.add(data);
                }
            }
        }
        return out;
    }
}
