package dev.bpftime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracePipeTest {

    @TempDir
    private Path dir;

    private static String poll(TracePipe pipe) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pipe.poll(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void onlyLinesWrittenAfterItStartedAreShownOnce() throws IOException {
        Path file = dir.resolve("trace_pipe");
        append(file, "old line\n");
        TracePipe pipe = new TracePipe(file);
        assertEquals("", poll(pipe));
        append(file, "a\n");
        append(file, "b\n");
        assertEquals("a\nb\n", poll(pipe));
        assertEquals("", poll(pipe));
        append(file, "c\n");
        assertEquals("c\n", poll(pipe));
    }

    @Test
    void aFileMadeLaterIsReadFromItsStartAndATruncatedOneAgain() throws IOException {
        Path file = dir.resolve("trace_pipe");
        TracePipe pipe = new TracePipe(file);
        assertEquals("", poll(pipe));
        append(file, "first\n");
        assertEquals("first\n", poll(pipe));
        Files.writeString(file, "");
        assertEquals("", poll(pipe));
        append(file, "after truncation\n");
        assertEquals("after truncation\n", poll(pipe));
    }
}
