/* Running a site's programs on one thread, inside a read section of the site's program lists. */
#ifndef BPFTIME_PROBE_RUN_H
#define BPFTIME_PROBE_RUN_H

#include "probe_site.h"
#include "thread_state.h"

/* Runs the return programs of site for a return with registers regs. */
void probe_run_return(struct probe_thread *t, struct probe_site *site, struct bpftime_pt_regs *regs);

#endif
