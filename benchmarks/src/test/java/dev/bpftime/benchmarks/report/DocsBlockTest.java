package dev.bpftime.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DocsBlockTest {

    @Test
    void replacesOnlyWhatIsBetweenTheMarkers() {
        String doc = "# Title\n" + DocsBlock.BEGIN + "\nold table\n" + DocsBlock.END + "\nafter\n";
        assertEquals("# Title\n" + DocsBlock.BEGIN + "\nnew table\n" + DocsBlock.END + "\nafter\n",
                DocsBlock.replace(doc, "new table\n\n", "BENCHMARKS.md"));
    }

    @Test
    void refusesADocumentWithoutMarkers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DocsBlock.replace("# Title\n" + DocsBlock.END, "t", "BENCHMARKS.md"));
        assertEquals("BENCHMARKS.md: markers: actual no " + DocsBlock.BEGIN + " vs expected one " + DocsBlock.BEGIN
                + " followed by one " + DocsBlock.END, e.getMessage());
    }
}
