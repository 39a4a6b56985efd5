/*
 * Process-wide barriers from user space with membarrier(2): after cpu_sync_cores() every thread of
 * the process that runs again fetches instructions afresh (the kernel's text_poke_sync() does the
 * same with IPIs for cross-modifying code, Intel SDM Vol. 3, 9.1.3); after cpu_sync_memory() every
 * running thread has executed a full memory barrier (the writer side of the probe engine's grace
 * periods, as in userspace RCU's membarrier flavour).
 */
#ifndef BPFTIME_CPU_SYNC_H
#define BPFTIME_CPU_SYNC_H

/* Registers the process for the expedited commands; safe to call again. */
void cpu_sync_init(void);
void cpu_sync_cores(void);
void cpu_sync_memory(void);

#endif
