/* Shared by the start-up figures, their target process and the probe preload. */
#ifndef STARTUP_H
#define STARTUP_H

/* Functions startup_fn0 .. startup_fn9 of startup_target, each called once per run of it. */
#define STARTUP_TARGETS 10

/* The preload's environment: how many probes to attach (0: none; the engine is loaded all the same). */
#define STARTUP_PROBES_ENV "BPFTIME_BENCH_STARTUP_PROBES"

/* Exit status of a target whose preload failed (its reason on stderr). */
#define STARTUP_PRELOAD_FAILED 111

#endif
