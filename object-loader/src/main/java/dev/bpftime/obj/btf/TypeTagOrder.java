package dev.bpftime.obj.btf;

/**
 * kernel/bpf/btf.c btf_check_type_tags(): in a chain of modifiers every TYPE_TAG comes before the first
 * other modifier ("ptr -> type_tag -> const -> int", not "ptr -> const -> type_tag -> int"), and no chain
 * is longer than 32.
 */
final class TypeTagOrder {

    private static final int CHAIN_LIMIT = 32;

    private TypeTagOrder() {
    }

    static void check(VerifierEnv env) {
        RawBtf btf = env.btf;
        int goodId = 0;
        for (int i = 1; i < btf.typeCount(); i++) {
            if (!BtfKind.of(btf.kind(i)).isModifier()) {
                continue;
            }
            int limit = CHAIN_LIMIT;
            long cur = i;
            boolean inTags = btf.kind(i) == BtfKind.TYPE_TAG.wire();
            while (BtfKind.of(btf.kind((int) cur)).isModifier()) {
                if (limit-- == 0) {
                    throw env.plain(Errno.ELOOP, "Max chain length or cycle detected", "type [" + i + "]: a chain of"
                            + " modifiers longer than " + CHAIN_LIMIT, btf.offset(i));
                }
                if (btf.kind((int) cur) == BtfKind.TYPE_TAG.wire()) {
                    if (!inTags) {
                        throw env.plain(Errno.EINVAL, "Type tags don't precede modifiers", "type [" + i
                                + "]: TYPE_TAG [" + cur + "] follows another modifier", btf.offset(i));
                    }
                } else {
                    inTags = false;
                }
                if (cur <= goodId) {
                    break;
                }
                cur = btf.sizeOrType((int) cur);
                if (!btf.exists(cur)) {
                    throw env.plain(Errno.EINVAL, "", "type [" + i + "]: modifier chain reaches type " + cur
                            + " beyond the last type", btf.offset(i));
                }
            }
            goodId = i;
        }
    }
}
