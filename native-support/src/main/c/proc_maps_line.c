/* Parsing /proc/self/maps lines (proc_maps_line.h); no libc: it runs inside hooks and probes. */
#include "proc_maps_line.h"

static const char *hex(const char *p, uint64_t *v, int *digits)
{
	uint64_t x = 0;
	int n = 0;
	for (;; p++, n++) {
		char c = *p;
		if (c >= '0' && c <= '9')
			x = x << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x = x << 4 | (uint64_t)(c - 'a' + 10);
		else
			break;
	}
	*v = x;
	*digits += n > 0;
	return p;
}

static const char *skip_line(const char *p)
{
	while (*p && *p != '\n')
		p++;
	return *p ? p + 1 : p;
}

int maps_line_next(const char **cursor, struct maps_line *out)
{
	const char *p = *cursor;
	uint64_t major, minor;
	int fields = 0;

	if (!*p)
		return 0;
	p = hex(p, &out->start, &fields);
	if (*p != '-')
		goto bad;
	p = hex(p + 1, &out->end, &fields);
	if (*p != ' ')
		goto bad;
	for (int i = 0; i < 4; i++) {
		if (!*++p || *p == '\n')
			goto bad;
		out->perms[i] = *p;
	}
	if (*++p != ' ')
		goto bad;
	p = hex(p + 1, &out->offset, &fields);
	if (*p != ' ')
		goto bad;
	p = hex(p + 1, &major, &fields);
	if (*p != ':')
		goto bad;
	p = hex(p + 1, &minor, &fields);
	if (*p != ' ' || fields != 5)
		goto bad;
	out->dev_major = (uint32_t)major;
	out->dev_minor = (uint32_t)minor;
	out->inode = 0;
	for (p++; *p >= '0' && *p <= '9'; p++)
		out->inode = out->inode * 10 + (uint64_t)(*p - '0');
	while (*p == ' ')
		p++;
	out->path = p;
	while (*p && *p != '\n')
		p++;
	out->path_len = (size_t)(p - out->path);
	*cursor = *p ? p + 1 : p;
	return 1;
bad:
	*cursor = skip_line(p);
	return -1;
}
