package dev.bpftime.vm;

/** Resolves {@code bpf_tail_call(ctx, progArray, index)}: the target program, or null to fall through. */
@FunctionalInterface
public interface TailCallHook {
    Interpreter target(long progArray, int index);
}
