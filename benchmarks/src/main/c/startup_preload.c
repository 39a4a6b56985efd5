/*
 * What the agent's start-up costs the probes' part of it, until libbpftime-agent.so (the control part)
 * lands: a preload linking the probe engine, the maps and the interpreter, which in its constructor
 * attaches $BPFTIME_BENCH_STARTUP_PROBES probes (the counting program as a JIT image, GPR-only) at
 * startup_fn0.. of the target, as the agent will once the service sent the attachments. Its
 * destructor checks that each probe counted its one call: a process whose probes did not fire exits
 * with STARTUP_PRELOAD_FAILED, and the figure fails.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpftime_probe.h"
#include "probe_programs.h"
#include "startup.h"

static struct bpftime_probe_maps maps;
static long probes;

static void fail(const char *what, const char *why)
{
	fprintf(stderr, "startup_preload: %s: %s\n", what, why);
	_exit(STARTUP_PRELOAD_FAILED);
}

__attribute__((constructor)) static void attach_probes(void)
{
	const char *env = getenv(STARTUP_PROBES_ENV);
	char why[4096] = "", name[32];
	struct bpftime_probe_prog prog = { .flags = BPFTIME_PROBE_PROG_F_GPR_ONLY };

	probes = env ? strtol(env, NULL, 10) : 0;
	if (probes <= 0)
		return;
	if (probes > STARTUP_TARGETS)
		fail(STARTUP_PROBES_ENV, "more probes than targets");
	if (bpftime_probe_maps_create(&maps, why, sizeof(why)) ||
	    bpftime_probe_jit_load(PROBE_PROG_COUNT, &maps, (probe_jit_fn *)&prog.jit, why, sizeof(why)))
		fail("program", why);
	for (long i = 0; i < probes; i++) {
		snprintf(name, sizeof(name), "startup_fn%ld", i);
		void *fn = dlsym(RTLD_DEFAULT, name);
		if (!fn)
			fail(name, "not found (the target is linked with -rdynamic)");
		struct bpftime_probe_spec spec = { BPFTIME_PROBE_ENTRY, 0, NULL, (uintptr_t)fn };
		int id = bpftime_probe_attach(&spec, prog, 0);
		if (id < 0)
			fail(name, strerror(-id));
	}
}

__attribute__((destructor)) static void check_hits(void)
{
	if (probes > 0 && bpftime_probe_count(&maps) != (uint64_t)probes)
		fail("hits", "a probe did not count its call");
}
