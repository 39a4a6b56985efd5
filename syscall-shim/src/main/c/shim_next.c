/*
 * The libc functions behind the ones the shim interposes (mmap, munmap, epoll_*, poll), found once
 * with dlsym(RTLD_NEXT). libc's own internal calls to mmap (malloc, the dynamic loader) do not go
 * through the interposed symbol, so resolving them cannot recurse into us.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "shim.h"

void *shim_next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}
