package dev.bpftime.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Follows {@code <runtime dir>/trace_pipe}, the file the agents append bpf_trace_printk lines to (one
 * write per line, so lines of concurrent writers never mix): each {@link #poll} copies what was added
 * since the last one. It starts at the file's end, as reading the kernel's trace_pipe shows only what
 * comes; a file that shrank (truncated, or made anew) is read again from its start.
 */
final class TracePipe {

    private static final int CHUNK = 64 * 1024;

    private final Path file;
    private long position = -1;

    TracePipe(Path file) {
        this.file = file;
    }

    /** Copies the bytes added since the last call to {@code out}; returns how many. */
    long poll(OutputStream out) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            position = position < 0 ? 0 : position; // not made yet: everything in it will be new
            return 0;
        }
        if (position < 0) {
            position = size;
        } else if (size < position) {
            position = 0;
        }
        if (size == position) {
            return 0;
        }
        long copied = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            while (true) {
                buf.clear();
                int n = ch.read(buf, position);
                if (n <= 0) {
                    break;
                }
                out.write(buf.array(), 0, n);
                position += n;
                copied += n;
            }
        } catch (NoSuchFileException e) {
            return copied;
        }
        out.flush();
        return copied;
    }
}
