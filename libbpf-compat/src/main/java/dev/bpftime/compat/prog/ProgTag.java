package dev.bpftime.compat.prog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program's tag as the kernel computes it (kernel/bpf/core.c, bpf_prog_calc_tag): the first 8 bytes
 * of a digest of the instructions as loaded, with the immediates of a map-referencing ld_imm64
 * (src_reg BPF_PSEUDO_MAP_FD or BPF_PSEUDO_MAP_VALUE, both halves) zeroed, since those hold fd
 * numbers that differ from one load to the next.
 *
 * <p>The digest was SHA-1 until Linux 6.18 made it SHA-256 (with the program signing work, which keeps
 * the whole digest in prog->digest). The service follows the kernel it runs on, so that a tag shown
 * under the shim is the tag the same host's kernel would show.
 */
public final class ProgTag {

    public static final int SIZE = 8;

    /** The digest a kernel version uses. */
    public enum Algorithm {
        SHA1("SHA-1"),
        SHA256("SHA-256");

        private final String javaName;

        Algorithm(String javaName) {
            this.javaName = javaName;
        }

        /** For a kernel release string as uname -r prints it ("6.18.44-fc-v657"); SHA-256 when unreadable. */
        public static Algorithm forKernelRelease(String release) {
            Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release.trim());
            if (!m.find()) {
                return SHA256;
            }
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            return major > 6 || (major == 6 && minor >= 18) ? SHA256 : SHA1;
        }
    }

    private static final int LD_IMM64 = 0x18;
    private static final int PSEUDO_MAP_FD = 1;
    private static final int PSEUDO_MAP_VALUE = 2;

    private ProgTag() {
    }

    public static byte[] of(byte[] insns, Algorithm algorithm) {
        return Arrays.copyOf(digest(insns, algorithm), SIZE);
    }

    /**
     * The whole digest, as Linux 6.18 keeps it in prog->digest: what an exclusive map's excl_prog_hash
     * is compared with (check_map_prog_compatibility in kernel/bpf/verifier.c).
     */
    public static byte[] sha256(byte[] insns) {
        return digest(insns, Algorithm.SHA256);
    }

    private static byte[] digest(byte[] insns, Algorithm algorithm) {
        byte[] raw = insns.clone();
        boolean wasLdMap = false;
        for (int at = 0; at + 8 <= raw.length; at += 8) {
            int code = raw[at] & 0xff;
            int src = (raw[at + 1] >>> 4) & 0x0f;
            if (!wasLdMap && code == LD_IMM64 && (src == PSEUDO_MAP_FD || src == PSEUDO_MAP_VALUE)) {
                wasLdMap = true;
                zeroImm(raw, at);
            } else if (wasLdMap && code == 0 && raw[at + 1] == 0 && raw[at + 2] == 0 && raw[at + 3] == 0) {
                wasLdMap = false;
                zeroImm(raw, at);
            } else {
                wasLdMap = false;
            }
        }
        try {
            return MessageDigest.getInstance(algorithm.javaName).digest(raw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has " + algorithm.javaName, e);
        }
    }

    private static void zeroImm(byte[] raw, int at) {
        Arrays.fill(raw, at + 4, at + 8, (byte) 0);
    }
}
