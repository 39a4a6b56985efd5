package dev.bpftime.compat.info;

import dev.bpftime.compat.btf.BtfObject;
import dev.bpftime.compat.link.BpfLink;
import dev.bpftime.compat.maps.EmulatedMap;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The text of /proc/PID/fdinfo/FD for one of our descriptors, as the kernel's show_fdinfo of each
 * object writes it after the file's own lines (Linux 6.1, kernel/bpf/syscall.c):
 * bpf_map_show_fdinfo (map_type ... frozen, owner_prog_type/owner_jited of a PROG_ARRAY with an
 * owner), bpf_prog_show_fdinfo (prog_type ... verified_insns), bpf_link_show_fdinfo (link_type,
 * link_id, prog_tag, prog_id) and bpf_btf_show_fdinfo (btf_id). The file's own lines (pos, flags,
 * mnt_id, ino) are those of the real descriptor, our socket. bpftool reads memlock and frozen here.
 * memlock is what the object really takes here: a map's shared memory, a program's instructions
 * rounded up to pages (the kernel's prog->pages).
 */
public final class FdInfo {

    private static final String[] LINK_TYPES = {"unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns",
        "xdp", "perf_event", "kprobe_multi", "struct_ops"};

    private FdInfo() {
    }

    /** The text for descriptor fd of the caller; ENOENT when it is not one of our objects, as for a closed fd. */
    public static String of(Caller caller, int fd) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (!(ref instanceof FdRef.Object o)) {
            throw new BpfException(Errno.ENOENT, "fd " + fd + " is not one of ours");
        }
        StringBuilder text = new StringBuilder();
        try {
            // the file's own lines; a socket's own (scm_fds of unix sockets) are not a BPF object's
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(caller.pid()), "fdinfo",
                    Integer.toString(fd)), StandardCharsets.UTF_8)) {
                if (line.startsWith("pos:") || line.startsWith("flags:") || line.startsWith("mnt_id:")
                        || line.startsWith("ino:")) {
                    text.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new BpfException(Errno.ENOENT, "fdinfo of fd " + fd + ": " + e.getMessage());
        }
        BpfObject object = o.object();
        if (object instanceof EmulatedMap map) {
            text.append("map_type:\t").append(map.mapType()).append('\n')
                    .append("key_size:\t").append(Integer.toUnsignedString(map.keySize())).append('\n')
                    .append("value_size:\t").append(Integer.toUnsignedString(map.valueSize())).append('\n')
                    .append("max_entries:\t").append(Integer.toUnsignedString(map.maxEntries())).append('\n')
                    .append("map_flags:\t").append(altHex(Integer.toUnsignedLong(map.mapFlags()))).append('\n')
                    .append("map_extra:\t").append(altHex(map.mapExtra())).append('\n')
                    .append("memlock:\t").append(map.map().sharedMemorySize()).append('\n')
                    .append("map_id:\t").append(map.id()).append('\n')
                    .append("frozen:\t").append(map.map().frozen() ? 1 : 0).append('\n');
        } else if (object instanceof BpfProgram prog) {
            text.append("prog_type:\t").append(prog.type().number()).append('\n')
                    .append("prog_jited:\t0\n")
                    .append("prog_tag:\t").append(HexFormat.of().formatHex(prog.tag())).append('\n')
                    .append("memlock:\t").append(pages(prog.insns().length)).append('\n')
                    .append("prog_id:\t").append(prog.id()).append('\n')
                    .append("run_time_ns:\t0\nrun_cnt:\t0\nrecursion_misses:\t0\n")
                    .append("verified_insns:\t").append(Integer.toUnsignedString(prog.verifiedInsns())).append('\n');
        } else if (object instanceof BpfLink link) {
            BpfProgram prog = link.program();
            text.append("link_type:\t").append(link.type() >= 0 && link.type() < LINK_TYPES.length
                    ? LINK_TYPES[link.type()] : "unspec").append('\n')
                    .append("link_id:\t").append(link.id()).append('\n');
            if (prog != null) {
                text.append("prog_tag:\t").append(HexFormat.of().formatHex(prog.tag())).append('\n')
                        .append("prog_id:\t").append(prog.id()).append('\n');
            }
        } else if (object instanceof BtfObject btf) {
            text.append("btf_id:\t").append(btf.id()).append('\n');
        }
        return text.toString();
    }

    /** The kernel's %#x (lib/vsprintf.c): 0x even for 0, unlike C libraries' printf. */
    private static String altHex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static long pages(long bytes) {
        return Math.max(1, (bytes + 4095) / 4096) * 4096;
    }
}
