import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Summarises the surefire and failsafe reports a Maven run wrote: totals, then every skipped test
 * with its reason. Run by scripts/test.sh as {@code java scripts/TestSummary.java ROOT EPOCH_SECONDS};
 * reports older than EPOCH_SECONDS (left by an earlier run) are ignored.
 */
public class TestSummary {

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        FileTime since = FileTime.fromMillis(Long.parseLong(args[1]) * 1000);
        List<Path> reports = new ArrayList<>();
        try (Stream<Path> files = Files.find(root, 8, (p, a) -> isReport(p))) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.getLastModifiedTime(p).compareTo(since) >= 0) {
                    reports.add(p);
                }
            }
        }
        int tests = 0;
        int failures = 0;
        int errors = 0;
        List<String> skipped = new ArrayList<>();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        for (Path report : reports) {
            Element suite = factory.newDocumentBuilder().parse(report.toFile()).getDocumentElement();
            tests += intAttribute(suite, "tests");
            failures += intAttribute(suite, "failures");
            errors += intAttribute(suite, "errors");
            NodeList cases = suite.getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element testcase = (Element) cases.item(i);
                NodeList skips = testcase.getElementsByTagName("skipped");
                if (skips.getLength() > 0) {
                    skipped.add(testcase.getAttribute("classname") + "." + testcase.getAttribute("name") + ": "
                            + reason((Element) skips.item(0)));
                }
            }
        }
        System.out.printf("== tests: %d run, %d failed, %d errors, %d skipped (%d report files of this run)%n",
                tests, failures, errors, skipped.size(), reports.size());
        for (String s : skipped) {
            System.out.println("   skipped " + s);
        }
    }

    /**
     * The reason is in the message attribute, or (surefire 3.5 with a failed JUnit assumption) in the
     * first line of the element's text: "org.opentest4j.TestAbortedException: Assumption failed: why".
     */
    private static String reason(Element skipped) {
        String reason = skipped.getAttribute("message");
        if (reason.isEmpty()) {
            reason = skipped.getTextContent().strip().lines().findFirst().orElse("");
            String type = skipped.getAttribute("type") + ": ";
            if (reason.startsWith(type)) {
                reason = reason.substring(type.length());
            }
        }
        return reason.isEmpty() ? "(no reason given)" : reason;
    }

    private static boolean isReport(Path p) {
        String name = p.getFileName().toString();
        String dir = p.getParent() == null ? "" : p.getParent().getFileName().toString();
        return name.startsWith("TEST-") && name.endsWith(".xml")
                && (dir.equals("surefire-reports") || dir.equals("failsafe-reports"));
    }

    private static int intAttribute(Element e, String name) {
        String v = e.getAttribute(name);
        return v.isEmpty() ? 0 : Integer.parseInt(v);
    }
}
