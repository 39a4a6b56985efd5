package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every .BTF (and .BTF.ext) of the shared ebpf-samples corpus and of the fixtures parses as an object's BTF, but for the
 * corpus' deliberately broken objects (invalid/), which may only be refused with a BtfException.
 */
class CorpusParseTest {

    @Test
    void everyCorpusBtfParses() {
        List<BtfBlobs.Blob> blobs = BtfBlobs.corpus().stream().filter(b -> !b.name().startsWith("invalid/")).toList();
        assertTrue(blobs.size() >= 75, "expected at least 75 corpus objects with .BTF, found " + blobs.size());
        assertAllParse(blobs);
    }

    @Test
    void brokenCorpusObjectsAreRefusedCleanly() {
        List<BtfBlobs.Blob> broken = BtfBlobs.corpus().stream().filter(b -> b.name().startsWith("invalid/")).toList();
        assertTrue(!broken.isEmpty(), "expected objects with .BTF under corpus/ebpf-samples/invalid");
        int refused = 0;
        for (BtfBlobs.Blob b : broken) {
            try {
                Btf.parse(b.btf());
            } catch (BtfException e) {
                assertTrue(e.getMessage().startsWith("BTF"), e.getMessage());
                refused++;
            }
        }
        System.out.printf("BTF of broken objects: %d, %d refused%n", broken.size(), refused);
    }

    @Test
    void everyFixtureBtfParses() {
        List<BtfBlobs.Blob> blobs = BtfBlobs.fixtures();
        assertTrue(blobs.size() >= 20, "expected a .BTF in most fixture objects, found " + blobs.size());
        assertAllParse(blobs);
    }

    private static void assertAllParse(List<BtfBlobs.Blob> blobs) {
        List<String> failures = new ArrayList<>();
        int types = 0;
        int exts = 0;
        for (BtfBlobs.Blob b : blobs) {
            try {
                Btf btf = Btf.parse(b.btf());
                types += btf.typeCount() - 1;
                if (b.ext() != null) {
                    BtfExt.parse(b.ext(), btf);
                    exts++;
                }
                for (BtfType t : btf.types()) {
                    if (t instanceof BtfType.Var v) {
                        btf.sizeOf(v.id());
                    }
                }
            } catch (BtfException e) {
                failures.add(b.name() + ": " + e.getMessage());
            }
        }
        System.out.printf("BTF parse: %d blobs, %d types, %d .BTF.ext, %d failures%n", blobs.size(), types, exts,
                failures.size());
        assertEquals(List.of(), failures);
    }
}
