package dev.bpftime.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine a run was measured on; figures are only comparable within one machine and one run.
 *
 * @param cpu          the CPU model, as lscpu's "Model name" (from /proc/cpuinfo)
 * @param cpus         online logical CPUs
 * @param kernel       the kernel release (uname -r)
 * @param bpfJitEnable /proc/sys/net/core/bpf_jit_enable: kernel figures differ by far without the JIT
 * @param loadAverage  /proc/loadavg's 1, 5 and 15 minute averages when the report is made; above the
 *                     CPU count, other tasks shared the CPUs with the run and wall-clock figures grew
 */
public record Machine(String host, String cpu, int cpus, String kernel, String bpfJitEnable, String java,
        String loadAverage) {

    public static Machine probe() {
        return new Machine(
                readOr(Path.of("/proc/sys/kernel/hostname"), "unknown").strip(),
                cpuModel(readOr(Path.of("/proc/cpuinfo"), "")),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.version"),
                readOr(Path.of("/proc/sys/net/core/bpf_jit_enable"), "unreadable").strip(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                loadAverage(readOr(Path.of("/proc/loadavg"), "")));
    }

    /** The "model name" of /proc/cpuinfo's first processor. */
    static String cpuModel(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals("model name")) {
                return line.substring(colon + 1).strip();
            }
        }
        return "unknown (no model name in /proc/cpuinfo)";
    }

    /** The first three fields of /proc/loadavg. */
    static String loadAverage(String loadavg) {
        String[] fields = loadavg.strip().split("\\s+");
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown (no /proc/loadavg)";
    }

    public String describe() {
        return cpu + ", " + cpus + " CPUs, Linux " + kernel + ", bpf_jit_enable=" + bpfJitEnable + ", " + java
                + "; load average " + loadAverage;
    }

    private static String readOr(Path file, String fallback) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return fallback;
        }
    }
}
