package dev.bpftime.compat.syscall;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.FileView;
import dev.bpftime.compat.posix.Errno;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One bpf() call from attr bytes to answer: the size rules, the command number (unknown: EINVAL),
 * CHECK_ATTR, then the command's handler. A command without a handler yet is refused with EINVAL, as
 * by a kernel built without it, and logged.
 */
public final class Dispatcher {

    /** The answer to one call: the return value or -errno, a new object's fd to pass, the attr write-backs. */
    public record Result(long value, BpfObject newFdFor, List<Attr.Writeback> writebacks, FileView view) {

        public Result(long value, BpfObject newFdFor, List<Attr.Writeback> writebacks) {
            this(value, newFdFor, writebacks, null);
        }

        public boolean failed() {
            return value < 0;
        }
    }

    private final Map<BpfCmd, CommandHandler> handlers = new EnumMap<>(BpfCmd.class);
    private final Consumer<String> log;
    private final BiConsumer<String, RuntimeException> bugs;

    /**
     * @param log where refusals are described (the service log at debug level), or null for nowhere
     * @param bugs where an exception a handler should never throw is reported
     */
    public Dispatcher(Consumer<String> log, BiConsumer<String, RuntimeException> bugs) {
        this.log = log;
        this.bugs = bugs;
    }

    public Dispatcher register(BpfCmd cmd, CommandHandler handler) {
        handlers.put(cmd, handler);
        return this;
    }

    public boolean implemented(BpfCmd cmd) {
        return handlers.containsKey(cmd);
    }

    /**
     * @param cmd the command argument (an int in the kernel)
     * @param size the size argument (an unsigned int in the kernel)
     * @param readable the attr bytes the shim could read: min(size, page) of them unless some faulted
     */
    public Result dispatch(int cmd, long size, byte[] readable, int pageSize, Caller caller) {
        Attr attr = null;
        BpfCmd command = BpfCmd.ofOrNull(cmd);
        String name = command == null ? "bpf cmd " + cmd : command.kernelName();
        try {
            attr = AttrRules.copyIn(size, readable, pageSize);
            if (command == null) {
                throw new BpfException(Errno.EINVAL, "unknown command " + cmd);
            }
            AttrRules.checkUnusedZero(attr, command.layout(), name);
            CommandHandler handler = handlers.get(command);
            if (handler == null) {
                throw new BpfException(Errno.EINVAL, name + " is not implemented by bpftime yet");
            }
            Outcome outcome = handler.handle(attr, caller);
            return new Result(outcome.value(), outcome.newFdFor(), attr.writebacks(), outcome.view());
        } catch (BpfException e) {
            if (log != null) {
                log.accept("pid " + caller.pid() + " " + name + ": " + e.getMessage());
            }
            return new Result(-e.errno(), null, attr == null ? List.of() : attr.writebacks());
        } catch (RuntimeException e) {
            // A bug of ours: the call fails closed, the service stays up and says what happened.
            bugs.accept("pid " + caller.pid() + " " + name + ": internal error", e);
            return new Result(-Errno.EPERM, null, List.of());
        }
    }
}
