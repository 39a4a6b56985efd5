#include "bench_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int vm_output_path(const char *name, const char *suffix, char *path, size_t path_len)
{
	const char *dir = getenv("BPFTIME_BENCH_BPF_DIR");
	char exe[PATH_MAX];
	int n;

	if (dir && *dir) {
		n = snprintf(path, path_len, "%s/%s%s", dir, name, suffix);
	} else {
		ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		char *slash;

		if (len < 0)
			return -errno;
		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		n = snprintf(path, path_len, "%s/bpf/%s%s", exe, name, suffix);
	}
	return n < 0 || (size_t)n >= path_len ? -ENAMETOOLONG : 0;
}

int vm_read_file(const char *path, uint8_t **data, size_t *len, char *why, size_t why_len)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0 || fstat(fd, &st) != 0) {
		err = -errno;
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t got = read(fd, buf + done, (size_t)st.st_size - done);

		if (got <= 0) {
			err = got < 0 ? -errno : -EIO;
			goto out;
		}
		done += (size_t)got;
	}
out:
	if (fd >= 0)
		close(fd);
	if (err) {
		free(buf);
		snprintf(why, why_len, "reading %s: %s (the build writes it: mvn -B package -DskipTests -pl benchmarks -am)",
			 path, strerror(-err));
		return err;
	}
	*data = buf;
	*len = done;
	return 0;
}
