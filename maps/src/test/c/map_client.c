/*
 * An agent's view of a map the service created: opens the map from the service's memfd (reached
 * through /proc/<pid>/fd/<fd>, as a test stand-in for SCM_RIGHTS) and does what helpers do.
 *
 *   map_client <pid> <memfd> <keys>    adds key+1000 to the u64 value of keys 0..keys-1 of a HASH
 *                                      (inserting it when missing) and prints "done <n>"
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "bpftime_map.h"

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%s/fd/%s", argv[1], argv[2]);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	struct bpftime_map *m;
	int rc = bpftime_map_open(fd, -1, &m);
	if (rc) {
		fprintf(stderr, "bpftime_map_open: %d\n", rc);
		return 1;
	}
	long n = atol(argv[3]);
	for (uint32_t k = 0; k < n; k++) {
		uint64_t *v = bpftime_map_lookup_elem(m, &k);
		if (v) {
			__atomic_fetch_add(v, k + 1000, __ATOMIC_RELAXED);
		} else {
			uint64_t init = k + 1000;
			if (bpftime_map_update_elem(m, &k, &init, BPF_NOEXIST)) {
				fprintf(stderr, "update %u failed\n", k);
				return 1;
			}
		}
	}
	printf("done %ld\n", n);
	bpftime_map_close(m);
	close(fd);
	return 0;
}
