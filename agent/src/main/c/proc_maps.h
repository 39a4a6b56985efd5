/*
 * The calling process's mappings as /proc/self/maps lists them (proc(5)): where a file offset of
 * a mapped binary is in memory, what protection a page has, where free address space is.
 */
#ifndef BPFTIME_PROC_MAPS_H
#define BPFTIME_PROC_MAPS_H

#include <stdint.h>
#include <sys/types.h>

struct proc_mapping {
	uintptr_t start, end;
	int prot;           /* PROT_READ | PROT_WRITE | PROT_EXEC */
	uint64_t offset;    /* file offset of start */
	dev_t dev;
	ino_t inode;
	const char *path;   /* "" for anonymous; valid only during the callback */
};

/* Calls fn for each mapping in address order until it returns non-zero, which is returned.
 * -errno when the file cannot be read. */
int proc_maps_each(int (*fn)(void *arg, const struct proc_mapping *m), void *arg);

/* The whole text of /proc/self/maps, NUL-terminated, in *text (malloc'd; the caller frees it).
 * 0 or -errno. */
int proc_maps_read(char **text);

/* Set in proc_maps_prot's result for a shared mapping ('s' in the maps), whose writes would reach
 * the file or other processes. */
#define PROC_MAPS_SHARED 0x100000

/* The protection of the page holding addr (| PROC_MAPS_SHARED), or -ENOENT when it is not mapped. */
int proc_maps_prot(uintptr_t addr);

/* The address of file offset `offset` of the file at path, in an executable mapping of it. The file
 * is matched by device and inode (so a path through a symlink matches), else by name. */
int proc_maps_resolve(const char *path, uint64_t offset, uintptr_t *addr);

/* The mapping holding addr: its file path (copied into path, NUL-terminated), the start and file
 * offset of the mapping, the file's device and inode. -ENOENT when unmapped, -ENOEXEC when
 * anonymous. */
int proc_maps_file_of(uintptr_t addr, char *path, size_t path_len, uintptr_t *start, uint64_t *offset,
		      dev_t *dev, ino_t *inode);

#endif
