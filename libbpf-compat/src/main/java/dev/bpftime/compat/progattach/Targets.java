package dev.bpftime.compat.progattach;

import dev.bpftime.compat.maps.EmulatedMap;
import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The targets of BPF_PROG_ATTACH/DETACH/QUERY, checked as the kernel does before it looks for
 * programs: a cgroup directory (cgroup_get_from_fd: EBADF for anything else), a network namespace
 * file (get_net_ns_by_fd: EINVAL), a map (__bpf_map_get), a network device index (ENODEV). None of
 * them has a userspace hook, so no program is ever attached there.
 */
final class Targets {

    private Targets() {
    }

    /** cgroup_get_from_fd: the descriptor must be a directory of the cgroup file system. */
    static void cgroup(Caller caller, int fd, String field) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (!(ref instanceof FdRef.Foreign f) || !f.what().startsWith("/sys/fs/cgroup")) {
            throw new BpfException(Errno.EBADF, field + " " + fd + " is not a cgroup directory");
        }
    }

    /** get_net_ns_by_fd: EBADF for no descriptor, EINVAL for one that is no network namespace. */
    static void netns(Caller caller, int fd, String field) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, field + " " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Foreign f) || !f.what().startsWith("net:[")) {
            throw new BpfException(Errno.EINVAL, field + " " + fd + " is not a network namespace");
        }
    }

    /** __bpf_map_get, then sock_map_progs: a map that is no sockmap has no programs (EOPNOTSUPP). */
    static void sockmap(Caller caller, int fd, String field) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, field + " " + fd + " is not an open descriptor");
        }
        if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof EmulatedMap)) {
            throw new BpfException(Errno.EINVAL, field + " " + fd + " is not a map");
        }
        throw new BpfException(Errno.EOPNOTSUPP, field + " " + fd + " is not a sockmap or sockhash");
    }

    /** rc_dev_get_from_fd: only a lirc device takes LIRC_MODE2 programs. */
    static void lirc(Caller caller, int fd, String field) throws BpfException {
        FdRef ref = caller.fd(fd);
        if (ref instanceof FdRef.Missing) {
            throw new BpfException(Errno.EBADF, field + " " + fd + " is not an open descriptor");
        }
        throw new BpfException(Errno.EINVAL, field + " " + fd + " is not a lirc device");
    }

    /** __dev_get_by_index in the caller's namespace, read from /sys/class/net. */
    static void device(int ifindex, String field) throws BpfException {
        try (Stream<Path> devices = Files.list(Path.of("/sys/class/net"))) {
            boolean found = devices.anyMatch(d -> {
                try {
                    return Files.readString(d.resolve("ifindex")).trim().equals(Integer.toUnsignedString(ifindex));
                } catch (IOException e) {
                    return false;
                }
            });
            if (found) {
                return;
            }
        } catch (IOException e) {
            // no /sys/class/net: no device
        }
        throw new BpfException(Errno.ENODEV, field + " " + Integer.toUnsignedString(ifindex) + " names no device");
    }
}
