/*
 * USDT semaphores: a probe with a semaphore runs its argument setup only while the 2-byte counter
 * at the note's semaphore address is non-zero. The kernel's uprobe with a ref_ctr offset
 * (kernel/events/uprobes.c, update_ref_ctr) adds one to the counter at that file offset in every
 * process mapping the file while the probe is attached, and takes it off at detach; here the agent
 * does it in its own process, in the writable mapping of the file holding that offset.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "control.h"
#include "proc_maps.h"

struct find {
	dev_t dev;
	ino_t ino;
	uint64_t off;
	uintptr_t addr;
};

static int match(void *arg, const struct proc_mapping *m)
{
	struct find *f = arg;

	if (m->dev != f->dev || m->inode != f->ino || !(m->prot & PROT_WRITE))
		return 0;
	if (f->off < m->offset || f->off + 2 > m->offset + (m->end - m->start))
		return 0;
	f->addr = m->start + (uintptr_t)(f->off - m->offset);
	return 1;
}

uint16_t *usdt_semaphore(const char *path, uint64_t off, int *err)
{
	struct find f = { .off = off };
	struct stat st;
	int rc;

	if (stat(path, &st) != 0) {
		*err = -errno;
		return NULL;
	}
	f.dev = st.st_dev;
	f.ino = st.st_ino;
	rc = proc_maps_each(match, &f);
	if (rc <= 0) {
		*err = rc < 0 ? rc : -ENOENT;
		return NULL;
	}
	return (uint16_t *)f.addr;
}
