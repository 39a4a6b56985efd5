package dev.bpftime.jit;

/**
 * Compile-time choices.
 *
 * @param unwindHelper the bpf_conformance suite's "unwind" helper id (the suite uses 5): after a call of
 *                     that helper returning 0 the whole invocation ends with r0 = 0, from any frame;
 *                     negative turns it off (the default, as with the kernel)
 */
public record JitOptions(int unwindHelper) {

    public static final JitOptions DEFAULT = new JitOptions(-1);

    /** The options the bpf_conformance suite expects. */
    public static final JitOptions CONFORMANCE = new JitOptions(5);

    public boolean hasUnwindHelper() {
        return unwindHelper >= 0;
    }
}
