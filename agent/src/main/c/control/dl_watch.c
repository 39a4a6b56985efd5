/*
 * Libraries mapped and unmapped while traced. The kernel inserts a uprobe into every new mapping of
 * its file (kernel/events/uprobes.c, uprobe_mmap), and the breakpoint leaves with the pages. Here the
 * agent watches the dynamic loader where debuggers do: ld.so calls the empty function whose address
 * is _r_debug.r_brk (<link.h>) after it mapped the objects of a dlopen or dlmopen (state
 * RT_CONSISTENT, before relocating them and running their constructors) and after it unmapped those
 * of a dlclose (elf/dl-open.c, elf/dl-close.c). A probe of the agent's own there, whose "program" is
 * the C function below, makes the control thread re-resolve the uprobes that name files
 * (attachments_remap) while the loading thread waits. So a library loaded later is probed from its
 * constructors on, as with the kernel, one unloaded leaves nothing behind, and one loaded again is
 * probed again; glibc's own loads (NSS, iconv modules) are seen as well.
 *
 * Interposing dlopen instead would not do: glibc takes the caller's return address to choose the
 * RUNPATH and $ORIGIN of the search (elf/dl-open.c, _dl_find_dso_for_object), which a wrapper would
 * change.
 *
 * The probe is installed with the first uprobe that names a file; until then nothing is patched.
 */
#include <errno.h>
#include <link.h>
#include <string.h>

#include "bpftime_probe.h"
#include "control.h"

static int watch_id = -1;

/* Runs on the loading thread, as a program of the engine (its registers saved, errno kept). */
static uint64_t loader_consistent(void *ctx, uint64_t unused)
{
	struct control_request r = { .kind = CONTROL_REQUEST_MAPPINGS_CHANGED };

	if (attachments_on_files() && _r_debug.r_state == RT_CONSISTENT)
		control_request(&r);
	return 0;
}

/* On the control thread. */
void dl_watch_start(void)
{
	struct bpftime_probe_spec spec = { .kind = BPFTIME_PROBE_ENTRY, .path = NULL, .offset = _r_debug.r_brk };

	if (watch_id >= 0 || !_r_debug.r_brk)
		return;
	watch_id = bpftime_probe_attach(&spec, (struct bpftime_probe_prog){ .jit = loader_consistent }, 0);
	if (watch_id < 0)
		agent_log("cannot watch the dynamic loader at %#lx (%s): libraries loaded from now on are probed only"
			  " when an attachment arrives", (unsigned long)_r_debug.r_brk, strerror(-watch_id));
}
