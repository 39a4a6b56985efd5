/*
 * Function bounds from an ELF file's symbol tables (.symtab, else .dynsym), and the translation
 * between file offsets and link-time addresses through its PT_LOAD segments. The probe engine asks
 * it where the function around a probe starts and ends, so that the inline patch never covers
 * another function's bytes and every branch inside the function can be checked.
 */
#ifndef BPFTIME_ELF_FUNCTIONS_H
#define BPFTIME_ELF_FUNCTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct elf_file;

/* Maps the file read-only. -errno on failure, -ENOEXEC when it is not a 64-bit x86-64 ELF. */
int elf_open(const char *path, struct elf_file **out);
/* Whether the opened file is the mapped one with this inode, not a file put at its path since. Only
 * the inode is compared: on overlayfs /proc/self/maps shows the underlying file system's device. */
int elf_is_file(const struct elf_file *elf, ino_t inode);
void elf_close(struct elf_file *elf);

/* The link-time address of a file offset inside a PT_LOAD segment's file image, or -ENOENT. */
int elf_offset_to_vaddr(const struct elf_file *elf, uint64_t offset, uint64_t *vaddr);
/* The file bytes at a link-time address, and how many follow inside the segment, or NULL. */
const uint8_t *elf_vaddr_bytes(const struct elf_file *elf, uint64_t vaddr, size_t *avail);

/* The function symbol (STT_FUNC or STT_GNU_IFUNC, non-zero size) holding vaddr: 0, or -ENOENT.
 * *name points into the mapped file (valid until elf_close). */
int elf_find_function(const struct elf_file *elf, uint64_t vaddr, uint64_t *start, uint64_t *size,
		      const char **name);

/* Calls fn for every function symbol with a non-zero size until it returns non-zero. */
int elf_for_each_function(const struct elf_file *elf,
			  int (*fn)(void *arg, const char *name, uint64_t vaddr, uint64_t size), void *arg);

#endif
