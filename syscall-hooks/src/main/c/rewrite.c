/* The fast path: rewriting syscall sites (to come). */
#include "internal.h"

void sh_rewrite_all_objects(int threads_may_run)
{
	(void)threads_may_run;
}

void sh_rewrite_note_trap(uint64_t site)
{
	(void)site;
}

void sh_rewrite_poll(void)
{
}
