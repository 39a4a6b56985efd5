package dev.bpftime.obj.btf;

/** Where two verifier logs part: the line and both versions of it, for a failure message. */
final class LogDiff {

    private LogDiff() {
    }

    /** Null when the logs are equal, else the first differing line (1-based) of each, newlines shown as \n. */
    static String firstDifference(String kernel, String ours) {
        if (kernel.equals(ours)) {
            return null;
        }
        String[] k = kernel.split("(?<=\n)", -1);
        String[] o = ours.split("(?<=\n)", -1);
        int i = 0;
        while (i < k.length && i < o.length && k[i].equals(o[i])) {
            i++;
        }
        return "line " + (i + 1) + ": kernel '" + show(k, i) + "' vs ours '" + show(o, i) + "' (kernel " + kernel.length()
                + " chars, ours " + ours.length() + ")";
    }

    private static String show(String[] lines, int i) {
        return i < lines.length ? lines[i].replace("\n", "\\n").replace("\t", "\\t") : "<end>";
    }
}
