/*
 * Writing the traced program's code while its threads run. A window makes the pages of a range
 * writable (and keeps them executable, other threads run there) only while the engine patches,
 * then restores each page's protection. Writes are single stores where a thread may fetch them.
 */
#ifndef BPFTIME_TEXT_PATCH_H
#define BPFTIME_TEXT_PATCH_H

#include <stddef.h>
#include <stdint.h>

struct text_window {
	uintptr_t lo, hi; /* page-aligned, at most two pages */
	int prot[2];
};

int text_window_open(uintptr_t addr, size_t len, struct text_window *w);
void text_window_close(struct text_window *w);

/* One-byte store (atomic for any reader). */
static inline void text_write_byte(uintptr_t addr, uint8_t b)
{
	__atomic_store_n((uint8_t *)addr, b, __ATOMIC_RELEASE);
}

void text_write(uintptr_t addr, const uint8_t *bytes, size_t len);

#endif
