#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "proc_maps.h"
#include "text_patch.h"

int text_window_open(uintptr_t addr, size_t len, struct text_window *w)
{
	uintptr_t page = (uintptr_t)getpagesize();
	w->lo = addr & ~(page - 1);
	w->hi = (addr + len + page - 1) & ~(page - 1);
	if (w->hi - w->lo > 2 * page)
		return -EINVAL;
	for (uintptr_t p = w->lo, i = 0; p < w->hi; p += page, i++) {
		int prot = proc_maps_prot(p);
		if (prot < 0)
			return prot;
		if (!(prot & PROT_EXEC))
			return -EINVAL;
		if (prot & PROC_MAPS_SHARED) /* a write would change the file, or another process's code */
			return -EACCES;
		w->prot[i] = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	}
	if (mprotect((void *)w->lo, w->hi - w->lo, PROT_READ | PROT_WRITE | PROT_EXEC))
		return -errno;
	return 0;
}

void text_window_close(struct text_window *w)
{
	uintptr_t page = (uintptr_t)getpagesize();
	for (uintptr_t p = w->lo, i = 0; p < w->hi; p += page, i++)
		mprotect((void *)p, page, w->prot[i]);
}

void text_write(uintptr_t addr, const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		__atomic_store_n((uint8_t *)addr + i, bytes[i], __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}
