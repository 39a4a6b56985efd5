/*
 * The format strings of bpf_trace_printk and bpf_snprintf, checked as the kernel's
 * bpf_bprintf_prepare checks them (kernel/bpf/helpers.c) and printed as bstr_printf prints them
 * (lib/vsprintf.c). Accepted: printable ASCII characters and spaces, and any byte from 0x80
 * (Linux 6.18 accepts those, measured); "%%"; conversions with optional flags "0+- "
 * and a width, at most one per argument:
 *   %d %i %u %x %X with an optional l or ll (32-bit values without),
 *   %c, %s (also %pks, %pus: strings read without faulting; an unreadable one prints as ""),
 *   %p %px %pK %ps %pS (followed by the end, a space or punctuation for %p and %s),
 *   %pI4 %pi4 %pI6 %pi6 (the address read without faulting; zeros when it cannot be).
 * Anything else (precision, %pB and the other %p extensions, %n, %f) is -EINVAL, as is a format
 * with more conversions than arguments or without a NUL within its size.
 * Pointers print as 16 hex digits (the kernel prints %p hashed in that shape, %px raw).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "helpers_internal.h"

#define STRING_MAX 512

/* ASCII must be printable or a space; Linux 6.18 lets every byte from 0x80 through (UTF-8). */
static int printable_or_space(unsigned char c)
{
	return c >= 0x80 || isprint(c) || isspace(c);
}

static int is_end_char(char c)
{
	return c == 0 || isspace((unsigned char)c) || ispunct((unsigned char)c);
}

/* bpf_bprintf_prepare's walk, without copying arguments. */
static int check(const char *fmt, uint64_t fmt_size, uint32_t num_args)
{
	if (fmt_size == 0 || memchr(fmt, 0, fmt_size) == NULL)
		return -EINVAL;
	uint32_t num_spec = 0;
	for (uint64_t i = 0; i < fmt_size && fmt[i] != 0; i++) {
		unsigned char c = (unsigned char)fmt[i];
		if (!printable_or_space(c))
			return -EINVAL;
		if (c != '%')
			continue;
		if (fmt[i + 1] == '%') {
			i++;
			continue;
		}
		if (num_spec >= num_args)
			return -EINVAL;
		i++;
		while (fmt[i] == '0' || fmt[i] == '+' || fmt[i] == '-' || fmt[i] == ' ')
			i++;
		if (fmt[i] >= '1' && fmt[i] <= '9') {
			i++;
			while (fmt[i] >= '0' && fmt[i] <= '9')
				i++;
		}
		if (fmt[i] == 'p') {
			if ((fmt[i + 1] == 'k' || fmt[i + 1] == 'u') && fmt[i + 2] == 's') {
				i += 2;
				if (!is_end_char(fmt[i + 1]))
					return -EINVAL;
			} else if (is_end_char(fmt[i + 1]) || fmt[i + 1] == 'K' || fmt[i + 1] == 'x' ||
				   fmt[i + 1] == 's' || fmt[i + 1] == 'S') {
				i++; /* the kernel steps over the next character too */
			} else if ((fmt[i + 1] == 'i' || fmt[i + 1] == 'I') && (fmt[i + 2] == '4' || fmt[i + 2] == '6')) {
				i += 2;
			} else {
				return -EINVAL;
			}
		} else if (fmt[i] == 's') {
			if (!is_end_char(fmt[i + 1]))
				return -EINVAL;
		} else if (fmt[i] != 'c') {
			if (fmt[i] == 'l')
				i++;
			if (fmt[i] == 'l')
				i++;
			if (fmt[i] != 'i' && fmt[i] != 'd' && fmt[i] != 'u' && fmt[i] != 'x' && fmt[i] != 'X')
				return -EINVAL;
		}
		num_spec++;
	}
	return 0;
}

struct out {
	char *buf;
	size_t size;
	size_t len; /* what would have been written */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void put_printf(struct out *o, const char *spec, ...) __attribute__((format(printf, 2, 3)));
static void put_printf(struct out *o, const char *spec, ...)
{
	char tmp[STRING_MAX + 64];
	va_list ap;
	va_start(ap, spec);
	int n = vsnprintf(tmp, sizeof(tmp), spec, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* %pI4 (dotted), %pi4 (each byte in 3 digits), %pI6 (8 groups of 4 hex digits with colons), %pi6
 * (32 hex digits): lib/vsprintf.c ip4_string, ip6_string. */
static void ip_address(struct out *o, uint64_t ptr, int upper, int v4)
{
	unsigned char a[16] = { 0 };
	size_t n = v4 ? 4 : 16;
	if (kernel_address(ptr, n) || user_read(a, ptr, n) < 0)
		memset(a, 0, sizeof(a));
	if (v4) {
		if (upper)
			put_printf(o, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		else
			put_printf(o, "%03u.%03u.%03u.%03u", a[0], a[1], a[2], a[3]);
		return;
	}
	for (int g = 0; g < 8; g++)
		put_printf(o, upper && g < 7 ? "%02x%02x:" : "%02x%02x", a[2 * g], a[2 * g + 1]);
}

/* Prints one checked conversion starting at fmt[*i] == '%'; flags and width go to libc's
 * printf, whose rules for them equal the kernel's number() and string(). */
static void convert(struct out *o, const char *fmt, uint64_t *i, uint64_t arg)
{
	char spec[40];
	size_t k = 0;
	uint64_t j = *i + 1;
	spec[k++] = '%';
	while ((fmt[j] == '0' || fmt[j] == '+' || fmt[j] == '-' || fmt[j] == ' ' || (fmt[j] >= '0' && fmt[j] <= '9')) &&
	       k < 20)
		spec[k++] = fmt[j++];
	int width = k > 1;
	if (fmt[j] == 'p') {
		char next = fmt[j + 1];
		if ((next == 'k' || next == 'u') && fmt[j + 2] == 's') {
			char s[STRING_MAX];
			if (kernel_address(arg, 1) || user_read_str(s, arg, sizeof(s)) < 0)
				s[0] = 0;
			memcpy(spec + k, "s", 2);
			put_printf(o, spec, s);
			*i = j + 2;
			return;
		}
		if ((next == 'i' || next == 'I') && (fmt[j + 2] == '4' || fmt[j + 2] == '6')) {
			ip_address(o, arg, next == 'I', fmt[j + 2] == '4');
			*i = j + 2;
			return;
		}
		if (next == 's' || next == 'S') {
			put_printf(o, "0x%lx", (unsigned long)arg);
		} else if (width) {
			memcpy(spec + k, "lx", 3);
			put_printf(o, spec, (unsigned long)arg);
		} else {
			put_printf(o, "%016lx", (unsigned long)arg);
		}
		/* %pK, %px, %ps, %pS consume their letter; plain %p does not */
		*i = (next == 'K' || next == 'x' || next == 's' || next == 'S') ? j + 1 : j;
		return;
	}
	if (fmt[j] == 's') {
		char s[STRING_MAX];
		if (kernel_address(arg, 1) || user_read_str(s, arg, sizeof(s)) < 0)
			s[0] = 0;
		memcpy(spec + k, "s", 2);
		put_printf(o, spec, s);
		*i = j;
		return;
	}
	if (fmt[j] == 'c') {
		memcpy(spec + k, "c", 2);
		put_printf(o, spec, (int)(unsigned char)arg);
		*i = j;
		return;
	}
	int longs = 0;
	while (fmt[j] == 'l') {
		longs++;
		j++;
	}
	char conv = fmt[j] == 'i' ? 'd' : fmt[j];
	if (longs == 0) {
		spec[k++] = conv;
		spec[k] = 0;
		if (conv == 'd')
			put_printf(o, spec, (int)(uint32_t)arg);
		else
			put_printf(o, spec, (unsigned)(uint32_t)arg);
	} else {
		spec[k++] = 'l';
		spec[k++] = 'l';
		spec[k++] = conv;
		spec[k] = 0;
		if (conv == 'd')
			put_printf(o, spec, (long long)arg);
		else
			put_printf(o, spec, (unsigned long long)arg);
	}
	*i = j;
}

long bpf_format(char *out, size_t out_size, const char *fmt, uint64_t fmt_size, const uint64_t *args,
		uint32_t num_args)
{
	int rc = check(fmt, fmt_size, num_args);
	if (rc < 0)
		return rc;
	struct out o = { out, out_size, 0 };
	uint32_t next = 0;
	for (uint64_t i = 0; fmt[i] != 0; i++) {
		if (fmt[i] != '%') {
			put(&o, &fmt[i], 1);
			continue;
		}
		if (fmt[i + 1] == '%') {
			put(&o, "%", 1);
			i++;
			continue;
		}
		convert(&o, fmt, &i, next < num_args ? args[next] : 0);
		next++;
	}
	if (out_size > 0)
		out[o.len < out_size ? o.len : out_size - 1] = 0;
	return (long)o.len;
}
