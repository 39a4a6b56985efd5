package dev.bpftime.isa.asm;

import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Opcode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * The text syntax of bpf_conformance's {@code -- asm} sections, assembled to instructions.
 *
 * <pre>
 *   mov32 %r0, 0          # comment
 *   ldxdw %r1, [%r10-8]
 *   jne %r1, 0x10, fail   # a label, +N or -N (slots after the next instruction)
 *   lock fetch add [%r10-8], %r1
 *   call local func1
 *   exit
 * fail:
 *   ...
 * </pre>
 *
 * A jump to {@code exit} that names no label goes to the first exit instruction, as in
 * bpf_conformance's assembler. Mnemonics are listed in {@link Mnemonics}; {@link ConformanceSyntax}
 * prints instructions back in this syntax.
 */
public final class Assembler {

    private Assembler() {
    }

    public static List<Instruction> assemble(String text) {
        return assemble(text, 1);
    }

    /** Assembles {@code text} whose first line is line {@code firstLine} of its file, for messages. */
    public static List<Instruction> assemble(String text, int firstLine) {
        return assemble(Arrays.asList(text.split("\r?\n", -1)), firstLine);
    }

    public static List<Instruction> assemble(List<String> lines, int firstLine) {
        return assemble(lines, firstLine, null);
    }

    /** As {@link #assemble(List, int)}, naming {@code sourceName} (a file name, or null) in errors. */
    public static List<Instruction> assemble(List<String> lines, int firstLine, String sourceName) {
        return new Pass(firstLine, sourceName).run(lines);
    }

    /** An instruction whose distance waits for a label. */
    private record Pending(int index, int slot, String label, int line) {
    }

    /** The state of one assembly; label positions are in slots, lddw counting two. */
    private static final class Pass {
        private final int firstLine;
        private final String source;
        private final List<Instruction> out = new ArrayList<>();
        private final List<Pending> pending = new ArrayList<>();
        private final Map<String, Integer> labelSlots = new HashMap<>();
        private final Map<String, Integer> labelLines = new HashMap<>();
        private Integer firstExitSlot;
        private int slot;

        Pass(int firstLine, String source) {
            this.firstLine = firstLine;
            this.source = source;
        }

        List<Instruction> run(List<String> lines) {
            for (int i = 0; i < lines.size(); i++) {
                int line = firstLine + i;
                try {
                    statement(lines.get(i), line);
                } catch (OperandException e) {
                    throw new AssemblyException(source, line, e.getMessage());
                }
            }
            for (Pending p : pending) {
                resolve(p);
            }
            return List.copyOf(out);
        }

        private void statement(String raw, int line) {
            String text = Statement.stripComment(raw).strip();
            while (Statement.startsWithLabel(text)) {
                String[] split = Statement.splitFirstWord(text);
                defineLabel(split[0].substring(0, split[0].length() - 1), line);
                text = split[1];
            }
            if (text.isEmpty()) {
                return;
            }
            String[] split = Statement.splitFirstWord(text);
            String mnemonic = split[0];
            Form form;
            List<String> operands;
            if (mnemonic.equals("lock")) {
                Statement.Lock lock = Statement.lock(split[1]);
                form = lock.form();
                operands = lock.operands();
            } else {
                form = Mnemonics.form(mnemonic);
                if (form == null) {
                    throw new OperandException("Invalid mnemonic: actual '" + mnemonic + "' vs expected "
                            + Statement.similarMnemonics(mnemonic));
                }
                operands = Statement.splitOperands(split[1]);
            }
            if (operands.size() != form.operandCount()) {
                String syntax = form.syntax().isEmpty() ? "" : " (" + mnemonic + " " + form.syntax() + ")";
                throw new OperandException("Invalid number of operands for " + mnemonic + ": actual "
                        + operands.size() + " vs expected " + form.operandCount() + syntax);
            }
            Form.Encoded e = form.encode(operands);
            if (e.label() != null) {
                pending.add(new Pending(out.size(), slot, e.label(), line));
            }
            if (e.insn().isExit() && firstExitSlot == null) {
                firstExitSlot = slot;
            }
            out.add(e.insn());
            slot += e.insn().width();
        }

        private void defineLabel(String name, int line) {
            if (!Operands.isLabel(name)) {
                throw new OperandException("Invalid label name: actual '" + name
                        + "' vs expected letters, digits, '_' or '.', not starting with a digit");
            }
            Integer previous = labelLines.putIfAbsent(name, line);
            if (previous != null) {
                throw new OperandException("Duplicate label: actual '" + name + "' defined again vs expected one "
                        + "definition (first at line " + previous + ")");
            }
            labelSlots.put(name, slot);
        }

        private void resolve(Pending p) {
            Integer target = labelSlots.get(p.label());
            if (target == null && p.label().equals("exit")) {
                target = firstExitSlot;
            }
            if (target == null) {
                StringJoiner defined = new StringJoiner(", ", "[", "]");
                new TreeSet<>(labelSlots.keySet()).forEach(defined::add);
                if (firstExitSlot != null && !labelSlots.containsKey("exit")) {
                    defined.add("exit (the first exit)");
                }
                throw new AssemblyException(source, p.line(), "Invalid label: actual '" + p.label()
                        + "' vs expected a label defined in the program " + defined);
            }
            int distance = target - (p.slot() + 1);
            Instruction t = out.get(p.index());
            Instruction resolved;
            if (t.opcode().equals(Opcode.GOTOL) || t.isLocalCall()) {
                resolved = new Instruction(t.opcode(), t.dst(), t.src(), t.offset(), distance);
            } else {
                if (distance != (short) distance) {
                    throw new AssemblyException(source, p.line(), "Jump offset out of 16-bit range: actual " + distance
                            + " slots to '" + p.label() + "' vs expected -32768..32767 (ja32 reaches further)");
                }
                resolved = new Instruction(t.opcode(), t.dst(), t.src(), (short) distance, t.imm());
            }
            out.set(p.index(), resolved);
        }
    }
}
