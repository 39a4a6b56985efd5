package dev.bpftime.compat.link;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.RawTracepointAttr;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.Outcome;
import java.nio.charset.StandardCharsets;

/**
 * BPF_RAW_TRACEPOINT_OPEN (kernel/bpf/syscall.c bpf_raw_tracepoint_open, Linux 6.18): the program
 * (EBADF, EINVAL), which must be a raw tracepoint program (EINVAL), the name copied with
 * strncpy_from_user into 128 bytes (EFAULT), a tracepoint of that name (ENOENT: only the syscall
 * ones, sys_enter and sys_exit, exist here). The answer is a link fd; the cookie (6.10) is what
 * bpf_get_attach_cookie returns.
 */
public final class RawTracepointOpenCommand implements CommandHandler {

    static final int NAME_BUF = 128;

    private final ObjectTable objects;
    private final AttachRegistry registry;

    public RawTracepointOpenCommand(ObjectTable objects, AttachRegistry registry) {
        this.objects = objects;
        this.registry = registry;
    }

    @Override
    public Outcome handle(Attr attr, Caller caller) throws BpfException {
        BpfProgram prog = ProgramFds.retainProgram(caller, attr.u32(RawTracepointAttr.PROG_FD), "raw_tracepoint.prog_fd");
        try {
            if (prog.type() != ProgramType.RAW_TRACEPOINT) {
                throw new BpfException(Errno.EINVAL, "raw_tracepoint.prog_fd: actual a " + prog.type()
                        + " program vs expected RAW_TRACEPOINT");
            }
            long at = attr.u64(RawTracepointAttr.NAME);
            if (at == 0) {
                throw new BpfException(Errno.EFAULT, "raw_tracepoint.name is NULL");
            }
            String name = new String(caller.readCString(at, NAME_BUF - 1, "raw_tracepoint.name"),
                    StandardCharsets.UTF_8);
            boolean exit;
            if (name.equals("sys_enter")) {
                exit = false;
            } else if (name.equals("sys_exit")) {
                exit = true;
            } else {
                throw new BpfException(Errno.ENOENT, "raw tracepoint '" + name + "': only sys_enter and sys_exit exist");
            }
            Attachment a = registry.attach(new Hook.RawSyscall(exit, true), prog.id(), -1, -1,
                    attr.u64(RawTracepointAttr.COOKIE));
            return Outcome.newFd(objects.register(BpfLink.rawTracepoint(prog, name, registry, a)));
        } catch (BpfException e) {
            prog.release();
            throw e;
        }
    }
}
