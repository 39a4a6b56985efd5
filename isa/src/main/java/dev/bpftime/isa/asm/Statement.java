package dev.bpftime.isa.asm;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splitting one source line: comment, labels, mnemonic, comma-separated operands, the lock prefix. */
final class Statement {

    private static final Pattern LEADING_WORD = Pattern.compile("([A-Za-z0-9_]+)\\s+(.*)");

    private Statement() {
    }

    static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    /** True when the first word ends with a colon: {@code fail:} or {@code fail: exit}. */
    static boolean startsWithLabel(String text) {
        String first = splitFirstWord(text)[0];
        return first.length() > 1 && first.endsWith(":");
    }

    /** {first word, rest stripped}; the rest is empty when there is one word. */
    static String[] splitFirstWord(String text) {
        String[] parts = text.split("\\s+", 2);
        return new String[] {parts[0], parts.length > 1 ? parts[1].strip() : ""};
    }

    static List<String> splitOperands(String rest) {
        List<String> out = new ArrayList<>();
        if (rest.isEmpty()) {
            return out;
        }
        String[] parts = rest.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String op = parts[i].strip();
            if (op.isEmpty()) {
                throw new OperandException("Invalid operand: actual nothing as operand " + (i + 1) + " in '" + rest
                        + "' vs expected operands separated by single commas");
            }
            out.add(op);
        }
        return out;
    }

    /** An atomic with its two operands. */
    record Lock(Form form, List<String> operands) {
    }

    /** Parses what follows {@code lock}: {@code [fetch] OP [DST+OFF], SRC}. */
    static Lock lock(String rest) {
        List<String> ops = splitOperands(rest);
        List<String> words = new ArrayList<>();
        if (!ops.isEmpty()) {
            String first = ops.get(0);
            Matcher m;
            while (!first.startsWith("[") && (m = LEADING_WORD.matcher(first)).matches()) {
                words.add(m.group(1));
                first = m.group(2);
            }
            words.add(first);
            words.addAll(ops.subList(1, ops.size()));
        }
        boolean fetch = !words.isEmpty() && words.get(0).equals("fetch");
        if (fetch) {
            words.remove(0);
        }
        if (words.size() != 3) {
            throw new OperandException("Invalid number of operands for lock: actual " + words.size()
                    + " vs expected 3 (lock [fetch] OP [DST+OFF], SRC)");
        }
        Mnemonics.AtomicKind kind = Mnemonics.atomic(words.get(0));
        if (kind == null) {
            StringJoiner names = new StringJoiner(", ");
            Mnemonics.atomicNames().forEach(names::add);
            throw new OperandException("Invalid atomic operation: actual '" + words.get(0) + "' vs expected one of "
                    + names);
        }
        return new Lock(new Form.Atomic(kind.size(), kind.op(), fetch), words.subList(1, 3));
    }

    /** "a known mnemonic", with the known ones sharing the first letters when there are some. */
    static String similarMnemonics(String mnemonic) {
        for (int prefix = Math.min(3, mnemonic.length()); prefix >= 1; prefix--) {
            StringJoiner similar = new StringJoiner(", ", " (similar: ", ")");
            String start = mnemonic.substring(0, prefix);
            Mnemonics.all().keySet().stream().filter(k -> k.startsWith(start)).forEach(similar::add);
            if (similar.length() > " (similar: )".length()) {
                return "a known mnemonic" + similar;
            }
        }
        return "a known mnemonic";
    }
}
