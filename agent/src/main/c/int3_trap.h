/*
 * The breakpoint path: a SIGTRAP handler that recognises the engine's int3s. For a site with a
 * trampoline (an inline site being patched or unpatched, or one whose threads did not quiesce) it
 * resumes the thread at the trampoline, which does everything the jump would. For an int3 site it
 * runs the programs on the signal frame's registers, then emulates the probed branch or resumes at
 * the moved copy of the instruction. Any other SIGTRAP goes to the handler the application
 * installed (before the engine, or later through the interposed sigaction/signal), or gets the
 * default action.
 */
#ifndef BPFTIME_INT3_TRAP_H
#define BPFTIME_INT3_TRAP_H

#include <signal.h>

/* Installs the handler (once). Engine lock held. */
int int3_trap_install(void);
int int3_trap_installed(void);

/* sigaction(SIGTRAP) as the application sees it once the handler is installed. */
int int3_trap_app_sigaction(const struct sigaction *act, struct sigaction *old);

/* The real sigaction, never the interposed one. */
int int3_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old);

#endif
