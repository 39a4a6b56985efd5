package dev.bpftime.obj.btf;

import java.nio.charset.StandardCharsets;

/**
 * The text BPF_BTF_LOAD's verifier writes to log_buf when a log level is set (kernel/bpf/btf.c): the
 * header's fields (btf_verifier_log_hdr), then a line per type as check_meta accepts it, with a line per
 * struct member, enumerator and DATASEC variable (btf_verifier_log_type, _member, _vsi), and last the
 * refusal, if any. Names are the blob's bytes, one char each, as the kernel's %s copies them; the
 * refusals that btf_verifier_log() writes have no newline, as there.
 */
public final class BtfVerifierLog {

    private final StringBuilder text = new StringBuilder();

    /** The log as the kernel's bytes. */
    public byte[] bytes() {
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The log as text (names with bytes above 0x7f read as Latin-1). */
    public String text() {
        return text.toString();
    }

    void line(String line) {
        text.append(line).append('\n');
    }

    /** The refusal that ended the verification: its kernel text, with a newline where the kernel writes one. */
    void refusal(BtfException e) {
        text.append(e.kernelLog());
        if (e.endsLine()) {
            text.append('\n');
        }
    }

    /** btf_verifier_log_hdr(): struct btf_header as the kernel copied it, and the blob's size. */
    void header(BtfHeader h, long blobSize) {
        line("magic: 0x" + Integer.toHexString(h.magic()));
        line("version: " + h.version());
        line("flags: 0x" + Integer.toHexString(h.flags()));
        line("hdr_len: " + h.hdrLen());
        line("type_off: " + h.typeOff());
        line("type_len: " + h.typeLen());
        line("str_off: " + h.strOff());
        line("str_len: " + h.strLen());
        line("btf_total_size: " + blobSize);
    }
}
