package dev.bpftime.compat.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.attr.LinkAttr;
import dev.bpftime.compat.attr.LinkCreateAttr;
import dev.bpftime.compat.attr.RawTracepointAttr;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.perf.PerfEvent;
import dev.bpftime.compat.perf.PerfIoctl;
import dev.bpftime.compat.perf.PerfTarget;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.prog.ProgramType;
import dev.bpftime.compat.syscall.AttrRules;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.CommandHandler;
import dev.bpftime.compat.syscall.FakeCaller;
import dev.bpftime.compat.syscall.Outcome;
import dev.bpftime.compat.tracefs.TracepointCatalog;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkCommandsTest {

    private final FakeCaller caller = new FakeCaller();
    private final ObjectTable objects = new ObjectTable();
    private final InMemoryAttachRegistry registry = new InMemoryAttachRegistry();
    private final TracepointCatalog catalog = TracepointCatalog.x86_64();

    private BpfProgram program(ProgramType type, int fd) {
        BpfProgram p = objects.register(new BpfProgram(type, 0, "p", new byte[16], List.of(), new byte[8], 0, 0, true, 2));
        caller.openObject(fd, p);
        return p;
    }

    private PerfEvent tracepointEvent(String path, int fd) {
        PerfEvent e = objects.register(new PerfEvent(new PerfTarget.TracepointEvent(catalog.byPath(path).orElseThrow()),
                -1, 0, true, registry));
        caller.openObject(fd, e);
        return e;
    }

    private static Attr attr(Object... fieldValues) {
        ByteBuffer b = ByteBuffer.allocate(Attr.UNION_SIZE).order(ByteOrder.nativeOrder());
        for (int i = 0; i < fieldValues.length; i += 2) {
            dev.bpftime.compat.attr.AttrField f = (dev.bpftime.compat.attr.AttrField) fieldValues[i];
            long v = ((Number) fieldValues[i + 1]).longValue();
            if (f.size() == 8) {
                b.putLong(f.offset(), v);
            } else {
                b.putInt(f.offset(), (int) v);
            }
        }
        try {
            return AttrRules.copyIn(Attr.UNION_SIZE, b.array(), 4096);
        } catch (BpfException e) {
            throw new AssertionError(e);
        }
    }

    private int refusal(CommandHandler h, Attr a) {
        return assertThrows(BpfException.class, () -> h.handle(a, caller)).errno();
    }

    @Test
    void perfEventLinkAttachesWithItsCookieAndDetachesAtTheLastReference() throws BpfException {
        BpfProgram prog = program(ProgramType.TRACEPOINT, 3);
        PerfEvent event = tracepointEvent("syscalls/sys_enter_openat", 4);
        Outcome o = new LinkCreateCommand(objects).handle(attr(LinkCreateAttr.PROG_FD, 3, LinkCreateAttr.TARGET_FD, 4,
                LinkCreateAttr.ATTACH_TYPE, 41, LinkCreateAttr.PERF_EVENT_BPF_COOKIE, 0x1234), caller);
        BpfLink link = (BpfLink) o.newFdFor();
        assertEquals(BpfLink.TYPE_PERF_EVENT, link.type());
        assertSame(prog, event.program());
        Attachment a = registry.attachments().get(0);
        assertEquals(new Hook.SyscallTracepoint("openat", 257, false), a.hook());
        assertEquals(0x1234, a.cookie());
        assertEquals(prog.id(), a.progId());
        assertEquals(2, prog.refs(), "the fd and the attachment");
        event.release(); // the app closes the event fd: the link keeps it
        assertEquals(1, registry.attachments().size());
        link.release(); // the link's last fd
        assertEquals(List.of(), registry.attachments());
        assertEquals(1, prog.refs());
        assertFalse(event.alive());
    }

    @Test
    void linkCreateRefusalsInTheKernelsOrder() {
        program(ProgramType.TRACEPOINT, 3);
        program(ProgramType.SOCKET_FILTER, 5);
        tracepointEvent("syscalls/sys_enter_openat", 4);
        LinkCreateCommand c = new LinkCreateCommand(objects);
        assertEquals(Errno.EBADF, refusal(c, attr(LinkCreateAttr.PROG_FD, 9, LinkCreateAttr.TARGET_FD, 4,
                LinkCreateAttr.ATTACH_TYPE, 41)), "no program fd");
        assertEquals(Errno.EBADF, refusal(c, attr(LinkCreateAttr.PROG_FD, 3, LinkCreateAttr.TARGET_FD, -1,
                LinkCreateAttr.ATTACH_TYPE, 41)), "libbpf's probe_perf_link: target_fd -1");
        assertEquals(Errno.EINVAL, refusal(c, attr(LinkCreateAttr.PROG_FD, 5, LinkCreateAttr.TARGET_FD, 4,
                LinkCreateAttr.ATTACH_TYPE, 41)), "a socket filter");
        assertEquals(Errno.EINVAL, refusal(c, attr(LinkCreateAttr.PROG_FD, 3, LinkCreateAttr.TARGET_FD, 4,
                LinkCreateAttr.ATTACH_TYPE, 41, LinkCreateAttr.FLAGS, 1)), "flags");
        assertEquals(1, objects.byId(dev.bpftime.compat.objects.ObjectKind.PROG, 1).orElseThrow().refs(),
                "refusals give the program reference back");
    }

    @Test
    void setBpfThenASecondProgramIsEexistAndAKprobeProgramOnATracepointEinval() throws BpfException {
        program(ProgramType.TRACEPOINT, 3);
        program(ProgramType.KPROBE, 5);
        PerfEvent event = tracepointEvent("raw_syscalls/sys_exit", 4);
        assertEquals(Errno.EINVAL, assertThrows(BpfException.class,
                () -> PerfIoctl.handle(4, PerfIoctl.SET_BPF, 5, caller)).errno());
        assertEquals(0, PerfIoctl.handle(4, PerfIoctl.SET_BPF, 3, caller));
        assertEquals(new Hook.RawSyscall(true, false), registry.attachments().get(0).hook());
        assertEquals(Errno.EEXIST, assertThrows(BpfException.class,
                () -> PerfIoctl.handle(4, PerfIoctl.SET_BPF, 3, caller)).errno());
        assertEquals(0, PerfIoctl.handle(4, PerfIoctl.DISABLE, 0, caller));
        assertFalse(event.enabled());
        assertEquals(0, PerfIoctl.handle(4, PerfIoctl.ENABLE, 0, caller));
        assertTrue(event.enabled());
        long out = caller.map(new byte[8]);
        assertEquals(0, PerfIoctl.handle(4, PerfIoctl.ID, out, caller));
        assertEquals(event.id(), ByteBuffer.wrap(caller.bytesAt(out)).order(ByteOrder.nativeOrder()).getLong());
        assertEquals(Errno.ENOTTY, assertThrows(BpfException.class,
                () -> PerfIoctl.handle(4, 0x2409, 0, caller)).errno());
        event.release();
        assertEquals(List.of(), registry.attachments(), "closing the event detaches its program");
    }

    @Test
    void rawTracepointOpenForSysEnterAndSysExitOnly() throws BpfException {
        program(ProgramType.RAW_TRACEPOINT, 3);
        program(ProgramType.TRACEPOINT, 5);
        RawTracepointOpenCommand c = new RawTracepointOpenCommand(objects, registry);
        long sysEnter = caller.map("sys_enter\0".getBytes(StandardCharsets.US_ASCII));
        long sched = caller.map("sched_switch\0".getBytes(StandardCharsets.US_ASCII));
        BpfLink link = (BpfLink) c.handle(attr(RawTracepointAttr.PROG_FD, 3, RawTracepointAttr.NAME, sysEnter), caller)
                .newFdFor();
        assertEquals("sys_enter", link.tracepointName());
        assertEquals(new Hook.RawSyscall(false, true), registry.attachments().get(0).hook());
        assertEquals(Errno.ENOENT, refusal(c, attr(RawTracepointAttr.PROG_FD, 3, RawTracepointAttr.NAME, sched)));
        assertEquals(Errno.EINVAL, refusal(c, attr(RawTracepointAttr.PROG_FD, 5, RawTracepointAttr.NAME, sysEnter)));
        assertEquals(Errno.EFAULT, refusal(c, attr(RawTracepointAttr.PROG_FD, 3, RawTracepointAttr.NAME, 0)));
        caller.openObject(6, link);
        assertEquals(Errno.EOPNOTSUPP, refusal(LinkDetachUpdate.detach(), attr(LinkAttr.DETACH_LINK_FD, 6)));
        assertEquals(Errno.EINVAL, refusal(LinkDetachUpdate.detach(), attr(LinkAttr.DETACH_LINK_FD, 3)));
        assertEquals(Errno.EBADF, refusal(LinkDetachUpdate.detach(), attr(LinkAttr.DETACH_LINK_FD, 9)));
        assertEquals(Errno.EINVAL, refusal(LinkDetachUpdate.update(), attr(LinkAttr.UPDATE_LINK_FD, 6,
                LinkAttr.UPDATE_NEW_PROG_FD, 3)));
        assertEquals(Errno.EBADF, refusal(LinkDetachUpdate.update(), attr(LinkAttr.UPDATE_LINK_FD, 6,
                LinkAttr.UPDATE_NEW_PROG_FD, 9)));
        link.release();
        assertEquals(List.of(), registry.attachments());
    }
}
