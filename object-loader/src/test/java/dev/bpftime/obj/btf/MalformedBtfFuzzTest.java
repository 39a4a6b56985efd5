package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded malformed input for every entry point, without the kernel: whatever the bytes, only a
 * BtfException may come out of {@link Btf#parse}, {@link Btf#load} and {@link BtfExt#parse}, and what they
 * accept can be walked (every type resolved and, where it has one, sized).
 */
class MalformedBtfFuzzTest {

    private static final long SEED = 0xf022_b7fL;

    @Test
    void onlyBtfExceptionEscapes() {
        List<BtfBlobs.Blob> blobs = new ArrayList<>(BtfBlobs.corpus());
        blobs.addAll(BtfBlobs.fixtures());
        BtfMutator mutator = new BtfMutator(SEED);
        RandomBtf random = new RandomBtf(SEED);
        Random r = new Random(SEED);
        List<String> crashes = new ArrayList<>();
        int accepted = 0;
        int cases = 0;
        for (int i = 0; i < 6000; i++) {
            BtfBlobs.Blob base = blobs.get(i % blobs.size());
            byte[] blob = i % 3 == 2 ? random.next() : mutator.mutate(base.btf()).blob();
            cases++;
            accepted += exercise("btf " + i, blob, crashes) ? 1 : 0;
        }
        int extCases = 0;
        for (int i = 0; i < 3000; i++) {
            BtfBlobs.Blob base = blobs.get(i % blobs.size());
            if (base.ext() == null || base.name().startsWith("invalid/")) {
                continue;
            }
            Btf btf = Btf.parse(base.btf());
            byte[] ext = mutateExt(base.ext(), r);
            extCases++;
            try {
                BtfExt.parse(ext, btf);
            } catch (BtfException expected) {
                // refused cleanly
            } catch (RuntimeException e) {
                crashes.add("ext " + i + " of " + base.name() + ": " + e);
            }
        }
        System.out.printf("BTF fuzz: %d blobs (%d accepted), %d .BTF.ext, %d crashes%n", cases, accepted, extCases,
                crashes.size());
        assertTrue(accepted > 100, "too few mutants accepted to exercise the decoder: " + accepted);
        assertEquals(List.of(), crashes);
    }

    private static boolean exercise(String name, byte[] blob, List<String> crashes) {
        boolean ok = false;
        for (boolean kernel : new boolean[] {true, false}) {
            try {
                Btf btf = kernel ? Btf.load(blob) : Btf.parse(blob);
                for (BtfType t : btf.types()) {
                    btf.resolve(t.id());
                    try {
                        btf.sizeOf(t.id());
                    } catch (BtfException noSize) {
                        // FUNC, FWD, void...: fine
                    }
                    if (t instanceof BtfType.Composite c) {
                        for (BtfType.Member m : c.members()) {
                            btf.memberLayout(c, m);
                        }
                    }
                }
                ok = true;
            } catch (BtfException refused) {
                // refused cleanly
            } catch (RuntimeException e) {
                crashes.add(name + (kernel ? " (load)" : " (parse)") + ": " + e);
            }
        }
        return ok;
    }

    private static byte[] mutateExt(byte[] ext, Random r) {
        byte[] out = ext.clone();
        switch (r.nextInt(3)) {
            case 0 -> {
                for (int k = 0; k < 1 + r.nextInt(3); k++) {
                    int at = r.nextInt(out.length);
                    out[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> out = Arrays.copyOf(out, r.nextInt(out.length));
            default -> {
                int at = 4 * r.nextInt(out.length / 4);
                int[] values = {0, 1, 3, 4, 7, 8, 0x7fffffff, -1, out.length, r.nextInt(64)};
                int v = values[r.nextInt(values.length)];
                for (int j = 0; j < 4 && at + j < out.length; j++) {
                    out[at + j] = (byte) (v >>> (8 * j));
                }
            }
        }
        return out;
    }
}
