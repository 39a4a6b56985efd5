package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * libbpf 1.1's feature probes (syscall-shim/src/test/c/libbpf_probes.c makes each one's bpf() calls)
 * answered under the shim as this runtime really is, so that libbpf takes its best paths and warns
 * about nothing: the table below, with the reason for each "no". Against the kernel as root every
 * answer that differs must be one the table explains.
 */
class LibbpfProbesTest {

    /** Probe, our answer, and why where the runtime answers "no". */
    private static final Map<String, String> ANSWERS = new LinkedHashMap<>();
    private static final Map<String, String> WHY_NO = Map.of(
            "exp_attach_type", "the probe loads a BPF_PROG_TYPE_CGROUP_SOCK program, a type the runtime does not"
                    + " run (libbpf then drops expected_attach_type only for cgroup sections)",
            "syscall_wrapper", "the probe opens a kprobe on __x64_sys_bpf; kprobes are refused with ENOENT as for"
                    + " an unknown function (libbpf then names syscalls sys_* for its ksyscall programs)");

    static {
        for (String yes : new String[] {"prog_name", "global_data", "btf", "btf_func", "btf_global_func",
            "btf_datasec", "btf_float", "btf_decl_tag", "btf_type_tag", "btf_enum64", "array_mmap"}) {
            ANSWERS.put(yes, "yes");
        }
        ANSWERS.put("exp_attach_type", "no (EINVAL)");
        for (String yes : new String[] {"probe_read_kernel", "prog_bind_map", "perf_link", "memcg_account",
            "bpf_cookie"}) {
            ANSWERS.put(yes, "yes");
        }
        ANSWERS.put("syscall_wrapper", "no (ENOENT)");
    }

    @RegisterExtension
    static final ShimTestHome shim = new ShimTestHome();

    private static String program() throws IOException {
        return shim.installed("libbpf_probes", "libbpf-dev (/usr/include/bpf/libbpf.h)").toString();
    }

    private static List<String> expected() {
        List<String> lines = new ArrayList<>();
        ANSWERS.forEach((probe, answer) -> lines.add(probe + ": " + answer));
        return lines;
    }

    @Test
    void everyProbeIsAnsweredAsTheRuntimeIs() throws Exception {
        Run.Result ours = ShimTestHome.clean(shim.run(shim.runtimeDir("probes-as-" + Run.uid()), false, program()),
                "under the shim");
        assertEquals(expected(), ours.lines(), ours.describe());
        Run.assumeNobodyAvailable();
        Run.Result nobody = ShimTestHome.clean(shim.run(shim.runtimeDir("probes-as-nobody"), true, program()),
                "as nobody");
        assertEquals(expected(), nobody.lines(), "as nobody: " + nobody.describe());
    }

    @Test
    void everyAnswerThatDiffersFromTheKernelsHasItsReason() throws Exception {
        assumeTrue(Run.isRoot(), "the kernel's answers need root");
        Run.Result kernel = shim.kernel(program());
        assertEquals(0, kernel.code(), kernel.describe());
        assumeTrue(kernel.lines().contains("prog_name: yes"), "kernel BPF is not usable here: " + kernel.describe());
        List<String> ours = expected();
        assertEquals(ours.size(), kernel.lines().size(), kernel.describe());
        int same = 0;
        for (int i = 0; i < ours.size(); i++) {
            String probe = ours.get(i).substring(0, ours.get(i).indexOf(':'));
            if (ours.get(i).equals(kernel.lines().get(i))) {
                same++;
            } else {
                assertEquals(true, WHY_NO.containsKey(probe), probe + ": ours '" + ours.get(i) + "' vs the kernel's '"
                        + kernel.lines().get(i) + "' with no reason given");
                System.out.println("feature probe " + probe + " differs from the kernel's (" + kernel.lines().get(i)
                        + "): " + WHY_NO.get(probe));
            }
        }
        System.out.println("feature probes: " + same + " of " + ours.size() + " answered as the kernel");
    }
}
