package dev.bpftime.isa.conformance;

/** The {@code -- name} lines that open the sections of a .data file. */
enum Directive {
    ASM("asm"), RAW("raw"), MEM("mem"), RESULT("result"), ERROR("error"),
    /** The C source a test was compiled from: documentation only. */
    C("c"),
    /** A note on why a test passes no register offset: documentation only. */
    NO_REGISTER_OFFSET("no register offset");

    private final String text;

    Directive(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }

    /** The directive whose name is {@code name}, or null. */
    static Directive named(String name) {
        for (Directive d : values()) {
            if (d.text.equals(name)) {
                return d;
            }
        }
        return null;
    }

    static String allNames() {
        StringBuilder sb = new StringBuilder();
        for (Directive d : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append("-- ").append(d.text);
        }
        return sb.toString();
    }
}
