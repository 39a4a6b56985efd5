/*
 * Reading and writing the process's own memory without ever faulting: process_vm_readv/writev on
 * ourselves fail with EFAULT where a plain access would raise SIGSEGV, as the kernel's
 * copy_{from,to}_user_nofault fail instead of faulting (mm/maccess.c). Raw system calls: they
 * are the runtime's own, never traced, and leave errno alone.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "helpers_internal.h"

/* Chunks stay below the kernel's MAX_RW_COUNT and keep one call's work bounded. */
#define CHUNK (1u << 30)

static long vm_copy(int nr, void *local, uint64_t remote, uint64_t size)
{
	if (size == 0)
		return 0;
	if (kernel_address(remote, size))
		return -EFAULT;
	uint64_t done = 0;
	while (done < size) {
		uint64_t n = size - done < CHUNK ? size - done : CHUNK;
		struct iovec l = { (char *)local + done, n };
		struct iovec r = { PTR(remote + done), n };
		long got = helper_syscall(nr, helper_tgid(), (long)&l, 1, (long)&r, 1);
		if (got != (long)n)
			return -EFAULT;
		done += n;
	}
	return 0;
}

long user_read(void *dst, uint64_t src, uint64_t size)
{
	return vm_copy(SYS_process_vm_readv, dst, src, size);
}

long user_write(uint64_t dst, const void *src, uint64_t size)
{
	return vm_copy(SYS_process_vm_writev, (void *)src, dst, size);
}

/* A window over the source string: the readable bytes [start, start + len) of it, loaded page by page. */
struct window {
	uint64_t src, count, start, len;
	unsigned char b[4096 + 8];
};

/* Whether bytes [off, off + n) of the source are readable, loading them when needed. */
static int window_has(struct window *w, uint64_t off, uint64_t n)
{
	if (off >= w->start && off + n <= w->start + w->len)
		return 1;
	w->start = off;
	w->len = 0;
	uint64_t at = w->src + off, left = w->count - off;
	uint64_t first = 4096 - (at & 4095);
	if (first > left)
		first = left;
	if (user_read(w->b, at, first) < 0)
		return 0;
	w->len = first;
	if (n > first && left > first) {
		/* the rest of the wanted bytes start the next page */
		uint64_t second = left - first < sizeof(w->b) - first ? left - first : sizeof(w->b) - first;
		if (second > 4096)
			second = 4096;
		if (user_read(w->b + first, at + first, second) == 0)
			w->len += second;
	}
	return n <= w->len;
}

/*
 * strncpy_from_user (lib/strncpy_from_user.c) as x86 runs it: whole words while they can be read,
 * the word holding the NUL stored with the bytes after the NUL zeroed, and byte by byte from where a
 * word cannot be read; then strncpy_from_user_nofault's result (mm/maccess.c).
 */
long user_read_str(char *dst, uint64_t src, uint64_t count)
{
	if (count == 0)
		return 0;
	struct window w; /* on the stack: 4 KiB of TLS per thread would cost every thread */
	w.src = src;
	w.count = count;
	w.start = 0;
	w.len = 0;
	uint64_t res = 0, max = count;
	long got = -1;
	while (max >= 8) {
		if (!window_has(&w, res, 8))
			break;
		unsigned char *c = w.b + (res - w.start);
		size_t z = 0;
		while (z < 8 && c[z])
			z++;
		if (z < 8) {
			bpftime_gpr_copy(dst + res, c, z);
			bpftime_gpr_zero(dst + res + z, 8 - z);
			got = (long)(res + z);
			break;
		}
		bpftime_gpr_copy(dst + res, c, 8);
		res += 8;
		max -= 8;
	}
	while (got < 0 && max) {
		if (!window_has(&w, res, 1))
			return -EFAULT;
		char c = (char)w.b[res - w.start];
		dst[res] = c;
		if (!c)
			got = (long)res;
		else {
			res++;
			max--;
		}
	}
	if (got < 0)
		got = (long)res;
	if ((uint64_t)got >= count) {
		dst[count - 1] = 0;
		return (long)count;
	}
	return got + 1;
}
