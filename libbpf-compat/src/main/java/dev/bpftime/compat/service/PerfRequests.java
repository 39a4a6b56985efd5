package dev.bpftime.compat.service;

import dev.bpftime.compat.attr.Attr;
import dev.bpftime.compat.link.AttachRegistry;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.perf.PerfEventOpen;
import dev.bpftime.compat.perf.PerfIoctl;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.tracefs.EmulatedFiles;
import dev.bpftime.compat.tracefs.TracepointCatalog;
import dev.bpftime.compat.tracefs.TreeMaterializer;
import dev.bpftime.compat.tracefs.VmlinuxBtf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The requests that are not bpf(): perf_event_open, ioctl on its fds, and the emulated files
 * (written once per service into the runtime directory, docs/PROTOCOL.md "Emulated files").
 */
final class PerfRequests {

    /** The answer: a status, a value or -errno, write-backs into the attr, maybe an object for a new fd. */
    record Answer(int status, long value, List<Attr.Writeback> writebacks, BpfObject newFdFor) {

        static Answer of(long value) {
            return new Answer(Wire.STATUS_DONE, value, List.of(), null);
        }
    }

    private final TracepointCatalog catalog = TracepointCatalog.x86_64();
    private final PerfEventOpen open;
    private final Path runtimeDir;
    private final ServiceLog log;
    private boolean filesWritten;

    PerfRequests(ObjectTable objects, AttachRegistry attachments, Path runtimeDir, ServiceLog log) {
        this.open = new PerfEventOpen(objects, catalog, attachments, possibleCpus());
        this.runtimeDir = runtimeDir;
        this.log = log;
    }

    Answer answer(Wire.Request r, Caller caller) {
        long[] a = r.args();
        try {
            switch (r.kind()) {
                case Wire.KIND_FILES:
                    return Answer.of(files());
                case Wire.KIND_PERF_OPEN: {
                    PerfEventOpen.Answer o = open.open(r.payload(), (int) a[1], (int) a[2], (int) a[3], a[4], caller);
                    if (o.pass()) {
                        return new Answer(Wire.STATUS_PASS, 0, List.of(), null);
                    }
                    if (o.errno() != 0) {
                        debug(caller, "perf_event_open: " + Errno.name(o.errno()));
                        return new Answer(Wire.STATUS_DONE, -o.errno(), o.writebacks(), null);
                    }
                    return new Answer(Wire.STATUS_DONE, 0, List.of(), o.event());
                }
                default:
                    return Answer.of(PerfIoctl.handle((int) a[0], a[1], a[2], caller));
            }
        } catch (BpfException e) {
            debug(caller, (r.kind() == Wire.KIND_PERF_OPEN ? "perf_event_open: " : "perf ioctl: ") + e.getMessage());
            return Answer.of(-e.errno());
        } catch (RuntimeException e) {
            log.bug("pid " + caller.pid() + " request kind " + r.kind() + ": internal error", e);
            return Answer.of(-Errno.EPERM);
        }
    }

    private void debug(Caller caller, String what) {
        if (log.debugEnabled()) {
            log.debug("pid " + caller.pid() + " " + what);
        }
    }

    private long files() {
        if (filesWritten) {
            return 0;
        }
        try {
            Path tree = TreeMaterializer.write(runtimeDir, EmulatedFiles.of(catalog), System.getenv(VmlinuxBtf.ENV));
            log.info("emulated tracefs and PMU files written to " + tree);
            filesWritten = true;
            return 0;
        } catch (IOException | RuntimeException e) {
            log.warn("cannot write the emulated files under " + runtimeDir + ": " + e);
            return -Errno.ENOENT;
        }
    }

    /** num_possible_cpus(), as /sys/devices/system/cpu/possible ("0-1") says; else the available processors. */
    static int possibleCpus() {
        try {
            String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
            int dash = s.lastIndexOf('-');
            int comma = s.lastIndexOf(',');
            return Integer.parseInt(s.substring(Math.max(dash, comma) + 1)) + 1;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
