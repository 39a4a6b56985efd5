package dev.bpftime.compat.prog;

import dev.bpftime.compat.syscall.BpfException;

/**
 * The seam where the userspace verifier (and the kernel-verifier offload) plugs in: it judges a
 * program that passed the {@link StructuralCheck}, writes its trace into the log, and refuses with
 * the kernel's errno (EINVAL, EACCES, E2BIG...). Until it exists, {@link #STRUCTURAL_ONLY} accepts
 * every structurally sound program.
 */
@FunctionalInterface
public interface ProgramVerifier {

    ProgramVerifier STRUCTURAL_ONLY = (type, program, log) -> {
    };

    void verify(ProgramType type, StructuralCheck.Checked program, VerifierLog log) throws BpfException;
}
