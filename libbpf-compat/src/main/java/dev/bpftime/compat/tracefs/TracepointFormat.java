package dev.bpftime.compat.tracefs;

import java.util.StringJoiner;

/**
 * The text of an event's format file, byte for byte as the kernel prints it (kernel/trace/trace_events.c
 * f_show; the fields of syscall events from kernel/trace/trace_syscalls.c syscall_enter_define_fields and
 * syscall_exit_define_fields, the print fmt from __set_enter_print_fmt). This is also the layout of the
 * context a tracepoint program reads, so it must be exact: CO-RE-less programs hard-code these offsets.
 */
public final class TracepointFormat {

    private static final String COMMON = ""
            + "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
            + "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
            + "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
            + "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
            + "\n";

    /** Offset of the first syscall argument in a sys_enter_X record (after __syscall_nr and padding). */
    public static final int FIRST_ARG_OFFSET = 16;

    private TracepointFormat() {
    }

    public static String render(Tracepoint t) {
        StringBuilder b = new StringBuilder();
        b.append("name: ").append(t.name()).append('\n');
        b.append("ID: ").append(t.id()).append('\n');
        b.append("format:\n").append(COMMON);
        if (t.syscall() == null) {
            b.append(t.exit() ? rawExitFields() : rawEnterFields());
        } else {
            b.append(field("int", "__syscall_nr", 8, 4, true));
            b.append(t.exit() ? exitFields() : enterFields(t.syscall()));
        }
        return b.toString();
    }

    private static String enterFields(Syscall s) {
        StringBuilder b = new StringBuilder();
        StringJoiner names = new StringJoiner(", ");
        StringJoiner values = new StringJoiner(", ");
        int offset = FIRST_ARG_OFFSET;
        for (Syscall.Arg a : s.args()) {
            b.append(field(a.type(), a.name(), offset, 8, a.signed()));
            offset += 8;
            names.add(a.name() + ": 0x%08lx");
            values.add("((unsigned long)(REC->" + a.name() + "))");
        }
        b.append("\nprint fmt: \"").append(names).append('"');
        if (!s.args().isEmpty()) {
            b.append(", ").append(values);
        }
        return b.append('\n').toString();
    }

    private static String exitFields() {
        return field("long", "ret", 16, 8, true) + "\nprint fmt: \"0x%lx\", REC->ret\n";
    }

    private static String rawEnterFields() {
        return field("long", "id", 8, 8, true) + field("unsigned long", "args[6]", 16, 48, false)
                + "\nprint fmt: \"NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)\", REC->id, REC->args[0], REC->args[1], "
                + "REC->args[2], REC->args[3], REC->args[4], REC->args[5]\n";
    }

    private static String rawExitFields() {
        return field("long", "id", 8, 8, true) + field("long", "ret", 16, 8, true)
                + "\nprint fmt: \"NR %ld = %ld\", REC->id, REC->ret\n";
    }

    private static String field(String type, String name, int offset, int size, boolean signed) {
        // A pointer type ends in '*' and the kernel prints "const char * filename" (type, space, name).
        return "\tfield:" + type + " " + name + ";\toffset:" + offset + ";\tsize:" + size + ";\tsigned:"
                + (signed ? 1 : 0) + ";\n";
    }
}
