package dev.bpftime.compat.service;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The service log, <runtime dir>/service.log: one line per event, appended (O_APPEND, so the shim's
 * start messages and the JVM's own stderr, redirected to the same file, never overwrite it).
 */
public final class ServiceLog {

    private final OutputStream out;
    private final boolean debug;

    public ServiceLog(Path file, boolean debug) throws IOException {
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        this.debug = debug;
    }

    public void info(String message) {
        write("INFO", message);
    }

    public void warn(String message) {
        write("WARN", message);
    }

    /** An exception that is our bug, with its trace: what a report needs. */
    public void bug(String message, Throwable t) {
        java.io.StringWriter trace = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(trace));
        write("ERROR", message + ", please report it:\n" + trace.toString().stripTrailing());
    }

    /** Details of every refused call: off unless asked for (libbpf's feature probes are refused on purpose). */
    public void debug(String message) {
        if (debug) {
            write("DEBUG", message);
        }
    }

    public boolean debugEnabled() {
        return debug;
    }

    private synchronized void write(String level, String message) {
        try {
            out.write((Instant.now() + " " + level + " " + message + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // The log is the last resort for reporting; a failing one is not worth stopping the service.
        }
    }
}
