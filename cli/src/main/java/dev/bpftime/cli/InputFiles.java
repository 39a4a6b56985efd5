package dev.bpftime.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the files named on a command line, turning I/O failures into one-line {@link CliException}s. */
public final class InputFiles {

    /** The name that means standard input. */
    public static final String STDIN = "-";

    private InputFiles() {
    }

    public static byte[] readAll(String name) {
        try {
            if (STDIN.equals(name)) {
                return System.in.readAllBytes();
            }
            Path path = Path.of(name);
            if (Files.isDirectory(path)) {
                throw new CliException("cannot read " + name + ": is a directory");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new CliException("cannot read " + name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new CliException("cannot read " + name + ": permission denied", e);
        } catch (InvalidPathException e) {
            throw new CliException("cannot read " + name + ": not a valid path (" + e.getReason() + ")", e);
        } catch (IOException e) {
            throw new CliException("cannot read " + name + ": " + e, e);
        }
    }

    /** The name to show in messages: the file name, or "standard input". */
    public static String displayName(String name) {
        return STDIN.equals(name) ? "standard input" : name;
    }
}
