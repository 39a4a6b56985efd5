/*
 * One line of /proc/self/maps (proc(5)): "start-end perms offset major:minor inode   path". The
 * parser the probe engine and the syscall hooks share; reading the file is each one's own (libc for
 * the engine, the hooks' untraced raw syscalls for them).
 */
#ifndef BPFTIME_PROC_MAPS_LINE_H
#define BPFTIME_PROC_MAPS_LINE_H

#include <stddef.h>
#include <stdint.h>

struct maps_line {
	uint64_t start, end;   /* [start, end) */
	char perms[4];         /* 'r' or '-', 'w' or '-', 'x' or '-', 'p' (private) or 's' (shared) */
	uint64_t offset;       /* file offset of start */
	uint32_t dev_major, dev_minor;
	uint64_t inode;        /* 0 for an anonymous mapping */
	const char *path;      /* into the text: "" for anonymous, "[heap]", "[stack]", "[vdso]", a file */
	size_t path_len;       /* up to the line's end ('\n' or NUL), not included */
};

/*
 * Parses the line at *cursor and moves *cursor to the next one. Returns 1 for a line parsed, 0 at
 * the end of the text (NUL), -1 for a malformed line (skipped).
 */
int maps_line_next(const char **cursor, struct maps_line *out);

#endif
