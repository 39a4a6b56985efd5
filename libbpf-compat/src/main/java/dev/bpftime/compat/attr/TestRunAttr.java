package dev.bpftime.compat.attr;

/** BPF_PROG_TEST_RUN: union bpf_attr's {@code test}. */
public final class TestRunAttr {

    public static final AttrField PROG_FD = new AttrField("test.prog_fd", 0, 4);
    public static final AttrField RETVAL = new AttrField("test.retval", 4, 4);
    public static final AttrField DATA_SIZE_IN = new AttrField("test.data_size_in", 8, 4);
    public static final AttrField DATA_SIZE_OUT = new AttrField("test.data_size_out", 12, 4);
    public static final AttrField DATA_IN = new AttrField("test.data_in", 16, 8);
    public static final AttrField DATA_OUT = new AttrField("test.data_out", 24, 8);
    public static final AttrField REPEAT = new AttrField("test.repeat", 32, 4);
    public static final AttrField DURATION = new AttrField("test.duration", 36, 4);
    public static final AttrField CTX_SIZE_IN = new AttrField("test.ctx_size_in", 40, 4);
    public static final AttrField CTX_SIZE_OUT = new AttrField("test.ctx_size_out", 44, 4);
    public static final AttrField CTX_IN = new AttrField("test.ctx_in", 48, 8);
    public static final AttrField CTX_OUT = new AttrField("test.ctx_out", 56, 8);
    public static final AttrField FLAGS = new AttrField("test.flags", 64, 4);
    public static final AttrField CPU = new AttrField("test.cpu", 68, 4);
    public static final AttrField BATCH_SIZE = new AttrField("test.batch_size", 72, 4);

    /** BPF_PROG_TEST_RUN_LAST_FIELD test.batch_size. */
    public static final AttrLayout LAYOUT = AttrLayout.of("test", PROG_FD, RETVAL, DATA_SIZE_IN, DATA_SIZE_OUT,
            DATA_IN, DATA_OUT, REPEAT, DURATION, CTX_SIZE_IN, CTX_SIZE_OUT, CTX_IN, CTX_OUT, FLAGS, CPU, BATCH_SIZE);

    private TestRunAttr() {
    }
}
