package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel as the oracle of {@link BtfValidator}: each .BTF of the corpus and the fixtures as clang wrote
 * it and as libbpf fixes it up, seeded mutants of those that load, and seeded random blobs of every kind,
 * loaded with BPF_BTF_LOAD and validated: the verdict and the errno must agree, and the verifier log (level 1)
 * must be the kernel's byte for byte, header, type lines and refusal, for accepted and refused blobs alike.
 * Needs root; skipped otherwise. Another seed: -Dbpftime.btf.seed=N.
 */
class KernelDifferentialTest {

    private static final long SEED = Long.getLong("bpftime.btf.seed", 0x5eed_b7f0L);
    private static final int MUTANTS = 2400;
    private static final int RANDOM = 1600;

    @Test
    void validatorAgreesWithTheKernel() {
        String reason = KernelBtfLoad.unavailableReason();
        assumeTrue(reason == null, reason);
        KernelBtfLoad kernel = KernelBtfLoad.open();
        List<BtfBlobs.Blob> blobs = new ArrayList<>(BtfBlobs.corpus());
        blobs.addAll(BtfBlobs.fixtures());
        assertTrue(blobs.size() > 50, "expected the corpus and fixture objects, found " + blobs.size() + " with .BTF");

        List<String> disagreements = new ArrayList<>();
        List<String> logMismatches = new ArrayList<>();
        List<BtfBlobs.Blob> accepted = new ArrayList<>();
        int compared = 0;
        int refused = 0;
        for (BtfBlobs.Blob blob : blobs) {
            compared++;
            refused += compare(kernel, blob.name(), blob.btf(), disagreements, logMismatches) ? 0 : 1;
            if (blob.kernelBlob() != null) {
                compared++;
                if (compare(kernel, blob.name() + " (fixed up)", blob.kernelBlob(), disagreements, logMismatches)) {
                    accepted.add(blob);
                } else {
                    refused++;
                }
            }
        }
        assertTrue(accepted.size() > 40, "expected most fixed-up blobs to load, " + accepted.size() + " did");
        BtfMutator mutator = new BtfMutator(SEED);
        for (int i = 0; i < MUTANTS; i++) {
            BtfBlobs.Blob base = accepted.get(i % accepted.size());
            BtfMutator.Mutant m = mutator.mutate(base.kernelBlob());
            compared++;
            refused += compare(kernel, base.name() + " mutant " + i + " (" + m.what() + ")", m.blob(), disagreements,
                    logMismatches) ? 0 : 1;
        }
        RandomBtf random = new RandomBtf(SEED);
        int randomAccepted = 0;
        for (int i = 0; i < RANDOM; i++) {
            compared++;
            if (compare(kernel, "random blob " + i, random.next(), disagreements, logMismatches)) {
                randomAccepted++;
            } else {
                refused++;
            }
        }
        System.out.printf("BTF kernel differential: %d cases compared (%d objects, raw and fixed up; %d mutants of"
                + " the %d that load; %d random blobs, %d of them loaded), %d refused by both, %d disagreements,"
                + " %d logs not byte-identical%n", compared, blobs.size(), MUTANTS, accepted.size(), RANDOM, randomAccepted,
                refused, disagreements.size(), logMismatches.size());
        logMismatches.forEach(s -> System.out.println("  log: " + s));
        disagreements.forEach(s -> System.out.println("  DISAGREE: " + s));
        assertEquals(List.of(), disagreements);
        assertEquals(List.of(), logMismatches);
    }

    /**
     * Compares one blob: the verdict, and the whole verifier log (level 1) byte for byte, for accepted and
     * refused blobs alike; true when both accepted it.
     */
    private static boolean compare(KernelBtfLoad kernel, String name, byte[] blob, List<String> disagreements,
                                   List<String> logMismatches) {
        KernelBtfLoad.Result k = kernel.load(blob, true);
        BtfVerifierLog log = new BtfVerifierLog();
        int errno;
        try {
            Btf.load(blob, log);
            errno = 0;
        } catch (BtfException e) {
            errno = e.errno();
        } catch (RuntimeException e) {
            disagreements.add(name + ": validator crashed: " + e);
            return false;
        }
        if (k.errno() != errno) {
            disagreements.add(name + ": kernel errno " + k.errno() + " (" + k.lastLogLine() + ") vs ours " + errno
                    + " (" + lastLine(log.text()) + ")");
            return false;
        }
        String difference = LogDiff.firstDifference(k.log(), log.text());
        if (difference != null) {
            logMismatches.add(name + ": " + difference);
        }
        return k.accepted();
    }

    private static String lastLine(String log) {
        String[] lines = log.split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
