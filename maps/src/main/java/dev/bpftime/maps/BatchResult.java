package dev.bpftime.maps;

/**
 * What a batch command returns together: how many elements it handled, the keys and values it
 * copied out (lookup batches), the cursor for the next call, and the errno the kernel would return
 * with them (0, or e.g. ENOENT once the map is exhausted, ENOSPC, or the failed element's errno).
 */
public record BatchResult(int count, byte[] keys, byte[] values, byte[] outBatch, int errno) {

    public boolean ok() {
        return errno == 0;
    }

    public boolean exhausted() {
        return errno == Errno.ENOENT.code();
    }
}
