package dev.bpftime.cli;

import dev.bpftime.vm.ConformanceRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bpftime conformance}: runs bpf_conformance {@code .data} files on an execution engine and
 * prints one line per failure and a closing "N passed, M failed" line.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = {"Run bpf_conformance test files (.data) on an execution engine: one line per failure,",
                "then 'N passed, M failed'. A directory stands for the .data files in it.",
                "Exit code 0 when all passed, 1 otherwise."},
        footer = {"", "Example:", "  bpftime conformance ../shared/conformance/tests"})
public final class ConformanceCommand implements Callable<Integer> {

    /** The engines a program can run on; the JIT joins when it lands. */
    enum Engine { interp }

    @Spec
    private CommandSpec spec;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "interp",
            description = "the engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private Engine engine;

    @Option(names = "--no-bounds-check",
            description = "run without the interpreter's memory bounds checks and instruction limit"
                    + " (as verified programs run in the data plane)")
    private boolean noBoundsCheck;

    @Option(names = {"-v", "--verbose"}, description = "also print a line for each passed test")
    private boolean verbose;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = ".data files or directories holding them")
    private List<Path> paths;

    @Override
    public Integer call() {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            files.addAll(dataFiles(p));
        }
        ConformanceRunner runner = ConformanceRunner.onInterpreter(!noBoundsCheck);
        PrintWriter out = spec.commandLine().getOut();
        int passed = 0;
        int failed = 0;
        for (Path f : files) {
            ConformanceRunner.Outcome o = runner.run(f);
            if (o.passed()) {
                passed++;
                if (verbose) {
                    out.println("PASS " + f + ": " + o.detail());
                }
            } else {
                failed++;
                out.println("FAIL " + f + ": " + o.detail());
            }
        }
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    private static List<Path> dataFiles(Path p) {
        if (Files.isRegularFile(p)) {
            return List.of(p);
        }
        if (!Files.isDirectory(p)) {
            throw new CliException(p + ": no such file or directory");
        }
        try (Stream<Path> s = Files.list(p)) {
            List<Path> found = s.filter(f -> f.getFileName().toString().endsWith(".data")).sorted().toList();
            if (found.isEmpty()) {
                throw new CliException(p + ": no .data files in this directory");
            }
            return found;
        } catch (IOException e) {
            throw new CliException(p + ": cannot list: " + e.getMessage(), e);
        }
    }
}
