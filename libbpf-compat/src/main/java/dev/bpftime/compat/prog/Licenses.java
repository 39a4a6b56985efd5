package dev.bpftime.compat.prog;

import java.util.Set;

/** license_is_gpl_compatible (include/linux/license.h): which license strings may use GPL-only helpers. */
final class Licenses {

    private static final Set<String> GPL_COMPATIBLE = Set.of("GPL", "GPL v2", "GPL and additional rights",
            "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL");

    private Licenses() {
    }

    static boolean gplCompatible(String license) {
        return GPL_COMPATIBLE.contains(license);
    }
}
