package dev.bpftime.compat.syscall;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.posix.Errno;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caller made of byte arrays: mapped regions at chosen addresses (read-only or writable), and a
 * descriptor table. Anything outside a region faults, as unmapped memory does for the kernel.
 */
public final class FakeCaller implements Caller {

    private record Region(byte[] bytes, boolean writable) {
    }

    private final TreeMap<Long, Region> regions = new TreeMap<>();
    private final Map<Integer, FdRef> fds = new HashMap<>();
    private long next = 0x10000;

    /** Maps a copy of {@code bytes} at a fresh address (a gap after it, so the end faults); returns the address. */
    public long map(byte[] bytes, boolean writable) {
        long at = next;
        regions.put(at, new Region(bytes.clone(), writable));
        next += ((bytes.length + 4095) / 4096 + 1) * 4096L;
        return at;
    }

    public long map(byte[] bytes) {
        return map(bytes, true);
    }

    /** The current bytes of the region mapped at {@code address}. */
    public byte[] bytesAt(long address) {
        return regions.get(address).bytes().clone();
    }

    public void openObject(int fd, BpfObject object) {
        fds.put(fd, new FdRef.Object(fd, object));
    }

    /** A descriptor whose file carries {@code view}, as a command's new descriptor does. */
    public void openObject(int fd, BpfObject object, dev.bpftime.compat.objects.FileView view) {
        fds.put(fd, new FdRef.Object(fd, object, view));
    }

    public void openOther(int fd, String what) {
        fds.put(fd, new FdRef.Foreign(fd, what));
    }

    @Override
    public int pid() {
        return 4242;
    }

    @Override
    public int uid() {
        return 1000;
    }

    @Override
    public int readPrefix(long address, byte[] dst, int offset, int length) {
        int n = 0;
        while (n < length) {
            Map.Entry<Long, Region> e = regions.floorEntry(address + n);
            if (e == null || address + n - e.getKey() >= e.getValue().bytes().length) {
                break;
            }
            int at = (int) (address + n - e.getKey());
            int chunk = Math.min(length - n, e.getValue().bytes().length - at);
            System.arraycopy(e.getValue().bytes(), at, dst, offset + n, chunk);
            n += chunk;
        }
        return n;
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) throws BpfException {
        Map.Entry<Long, Region> e = regions.floorEntry(address);
        if (length == 0) {
            return;
        }
        if (e == null || !e.getValue().writable() || address - e.getKey() + length > e.getValue().bytes().length) {
            throw new BpfException(Errno.EFAULT, "fake write of " + length + " bytes at 0x" + Long.toHexString(address));
        }
        System.arraycopy(src, offset, e.getValue().bytes(), (int) (address - e.getKey()), length);
    }

    @Override
    public FdRef fd(int fd) {
        return fds.getOrDefault(fd, new FdRef.Missing(fd));
    }
}
