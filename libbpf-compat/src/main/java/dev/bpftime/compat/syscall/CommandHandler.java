package dev.bpftime.compat.syscall;

import dev.bpftime.compat.attr.Attr;

/** One bpf() command, run after the dispatcher applied the size rules and CHECK_ATTR. */
@FunctionalInterface
public interface CommandHandler {

    Outcome handle(Attr attr, Caller caller) throws BpfException;
}
