package dev.bpftime.cli;

import dev.bpftime.jit.JitOptions;
import dev.bpftime.jit.run.JvmHelperTable;
import dev.bpftime.jit.run.JvmRunner;
import dev.bpftime.vm.ConformanceRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** The engines a program can run on: the C interpreter, or x86-64 code from the Java JIT. */
    enum Engine { interp, jit }

    @Spec
    private CommandSpec spec;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "interp",
            description = "the engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    private Engine engine;

    @Option(names = "--no-bounds-check",
            description = "interpreter only: run without its memory bounds checks and instruction limit"
                    + " (as verified programs run in the data plane; JIT code never checks)")
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
        PrintWriter out = spec.commandLine().getOut();
        if (engine == Engine.jit) {
            // The suite's helper 5 is "unwind": it returns its argument, and 0 ends the program.
            try (JvmHelperTable helpers = new JvmHelperTable(16,
                    Map.of(ConformanceRunner.UNWIND_HELPER, (a, b, c, d, e) -> a))) {
                return report(new ConformanceRunner((program, memory) ->
                        JvmRunner.run(program, JitOptions.CONFORMANCE, helpers, memory)), files, out);
            }
        }
        return report(ConformanceRunner.onInterpreter(!noBoundsCheck), files, out);
    }

    private int report(ConformanceRunner runner, List<Path> files, PrintWriter out) {
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
