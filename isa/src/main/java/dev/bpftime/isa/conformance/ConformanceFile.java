package dev.bpftime.isa.conformance;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.isa.asm.Assembler;
import dev.bpftime.isa.asm.ConformanceSyntax;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a bpf_conformance {@code .data} file: {@code # comments} and sections opened by a directive line.
 *
 * <pre>
 * -- asm      the program in {@link Assembler}'s syntax          -- raw     the program as bytes or 64-bit slots
 * -- mem      the bytes r1 points to                              -- result  what r0 must hold at exit
 * -- error    text the refusal's message must contain             -- c, -- no register offset: notes, ignored
 * </pre>
 *
 * {@code -- raw} is decoded by {@link InstructionDecoder}, so a reserved field that is not zero is a
 * {@link dev.bpftime.isa.DecodeException}; {@code -- asm} is assembled, so bad assembly is an
 * {@link dev.bpftime.isa.asm.AssemblyException}. When a file has both they must give the same bytes.
 * Everything else wrong with a file is a {@link ConformanceFormatException}.
 */
public final class ConformanceFile {

    public static final String EXTENSION = ".data";

    private ConformanceFile() {
    }

    public static ConformanceTest parse(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * The folder {@code name} ("tests", "negative") of the bpf_conformance corpus in the project's shared
     * test data: {@code <bpftime.shared>/conformance/name}, the system property surefire passes. Throws
     * {@link IllegalStateException} saying what is missing, so that a test needing it fails, never skips.
     */
    public static Path sharedCorpus(String name) {
        String shared = System.getProperty("bpftime.shared");
        if (shared == null) {
            throw new IllegalStateException("system property bpftime.shared is not set: run the tests through Maven "
                    + "(surefire passes it)");
        }
        Path dir = Path.of(shared, "conformance", name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the shared conformance corpus is missing: actual no directory " + dir
                    + " vs expected the bpf_conformance " + name + "/ files there");
        }
        return dir;
    }

    /** The .data files of a directory, sorted by name. */
    public static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.getFileName().toString().endsWith(EXTENSION) && Files.isRegularFile(p))
                    .sorted().collect(Collectors.toList());
        }
    }

    /** Parses {@code text}, the contents of the file called {@code fileName} (used in messages and the test name). */
    public static ConformanceTest parse(String fileName, String text) {
        Map<Directive, Section> sections = sections(fileName, text);
        Section asm = sections.get(Directive.ASM);
        Section raw = sections.get(Directive.RAW);
        if (asm == null && raw == null) {
            throw new ConformanceFormatException(fileName, 0,
                    "no instructions: actual neither a -- asm nor a -- raw section vs expected one of them");
        }
        OptionalLong result = result(fileName, sections.get(Directive.RESULT));
        Optional<String> error = error(fileName, sections.get(Directive.ERROR));
        if (result.isEmpty() && error.isEmpty()) {
            throw new ConformanceFormatException(fileName, 0,
                    "no expected outcome: actual neither a -- result nor an -- error section vs expected one of them");
        }
        if (result.isPresent() && error.isPresent()) {
            throw new ConformanceFormatException(fileName, sections.get(Directive.ERROR).directiveLine(),
                    "two expected outcomes: actual both -- result and -- error vs expected one of them");
        }
        byte[] memory = sections.containsKey(Directive.MEM)
                ? HexText.memory(fileName, sections.get(Directive.MEM)) : new byte[0];
        List<Instruction> program = program(fileName, asm, raw);
        if (program.isEmpty()) {
            Section s = raw != null ? raw : asm;
            throw new ConformanceFormatException(fileName, s.directiveLine(), "no instructions: actual an empty -- "
                    + s.directive().text() + " section vs expected at least one instruction");
        }
        String name = fileName.endsWith(EXTENSION)
                ? fileName.substring(0, fileName.length() - EXTENSION.length()) : fileName;
        return new ConformanceTest(name, program, memory, result, error);
    }

    private static Map<Directive, Section> sections(String fileName, String text) {
        Map<Directive, Section> sections = new EnumMap<>(Directive.class);
        String[] lines = text.split("\r?\n", -1);
        Section current = null;
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String content = Section.content(lines[i]);
            if (content.startsWith("--")) {
                String name = content.substring(2).strip();
                Directive d = Directive.named(name);
                if (d == null) {
                    throw new ConformanceFormatException(fileName, lineNo, "unknown directive: actual '" + content
                            + "' vs expected one of " + Directive.allNames());
                }
                Section previous = sections.get(d);
                if (previous != null) {
                    throw new ConformanceFormatException(fileName, lineNo, "section -- " + d.text()
                            + " repeated: actual a second one vs expected one (first at line "
                            + previous.directiveLine() + ")");
                }
                current = new Section(d, lineNo);
                sections.put(d, current);
            } else if (current != null) {
                current.lines().add(lines[i]);
            } else if (!content.isEmpty()) {
                throw new ConformanceFormatException(fileName, lineNo, "text before the first section: actual '"
                        + content + "' vs expected a # comment or a directive such as -- asm");
            }
        }
        return sections;
    }

    private static OptionalLong result(String fileName, Section section) {
        if (section == null) {
            return OptionalLong.empty();
        }
        List<Section.Numbered> values = section.contentLines();
        if (values.size() != 1) {
            throw new ConformanceFormatException(fileName, section.directiveLine(), "-- result: actual "
                    + values.size() + " values vs expected 1");
        }
        return OptionalLong.of(HexText.result(fileName, values.get(0)));
    }

    /** The expected error text; empty when the section is, meaning any error. */
    private static Optional<String> error(String fileName, Section section) {
        if (section == null) {
            return Optional.empty();
        }
        List<Section.Numbered> texts = section.contentLines();
        if (texts.size() > 1) {
            throw new ConformanceFormatException(fileName, texts.get(1).line(), "-- error: actual "
                    + texts.size() + " lines vs expected one line of text (or none)");
        }
        return Optional.of(texts.isEmpty() ? "" : texts.get(0).text());
    }

    private static List<Instruction> program(String fileName, Section asm, Section raw) {
        List<Instruction> assembled = asm == null ? null : Assembler.assemble(asm.lines(), asm.firstLine(), fileName);
        if (raw == null) {
            return assembled;
        }
        byte[] bytes = HexText.raw(fileName, raw);
        List<Instruction> decoded = InstructionDecoder.decode(bytes);
        if (assembled != null) {
            byte[] fromAsm = InstructionEncoder.encode(assembled);
            if (!Arrays.equals(fromAsm, bytes)) {
                throw new ConformanceFormatException(fileName, raw.directiveLine(), "-- asm and -- raw disagree: actual "
                        + "raw program\n" + describe(decoded, bytes) + "vs expected the -- asm program\n"
                        + ConformanceSyntax.print(assembled));
            }
        }
        return decoded;
    }

    /** The program as text, or as hex slots when the syntax cannot say it (an lddw with a pseudo source). */
    private static String describe(List<Instruction> program, byte[] bytes) {
        try {
            return ConformanceSyntax.print(program);
        } catch (IllegalArgumentException e) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < bytes.length; i += InstructionDecoder.SLOT_BYTES) {
                sb.append(HexFormat.ofDelimiter(" ").formatHex(bytes, i, i + InstructionDecoder.SLOT_BYTES))
                        .append('\n');
            }
            return sb.toString();
        }
    }
}
