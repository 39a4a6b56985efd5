/*
 * Grace periods: the writer side of the engine's read-copy-update. A probe hit reads a site's
 * program list between two stores to its thread's word (odd = reading, no atomic instruction, no
 * fence); detach publishes a new list and waits here until every thread that may still read the
 * old one has stopped, then frees it. The reader's store may be reordered after its load on x86
 * (store buffering): the writer's membarrier forces a full barrier on every running thread, as
 * userspace RCU's membarrier flavour does (liburcu urcu-memb; membarrier(2)).
 */
#ifndef BPFTIME_GRACE_PERIOD_H
#define BPFTIME_GRACE_PERIOD_H

#include <sys/types.h>

/* Returns when every read section that began before the call has ended. Never from a program. */
void grace_period_wait(void);

/*
 * The same, except that the section thread `parked` is in is not waited for: that thread waits for
 * the caller (a request to the agent's control thread from inside a probe), so waiting for it would
 * stall both until the request times out. Only for freeing a list that thread cannot be reading.
 */
void grace_period_wait_except(pid_t parked);

#endif
