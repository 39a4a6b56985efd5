/*
 * Creates one map of about <megabytes> MiB in shared memory, prints "pid <pid> memfd <fd>" and
 * waits to be killed: the test measures that a creator's death frees the memory unless another
 * process still holds the object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "bpftime_map.h"

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 64;
	struct bpftime_map *m;
	int rc = bpftime_map_create(BPF_MAP_TYPE_ARRAY, 4, 4096, (uint32_t)(mib * 256), 0, -1, 0, 0, "creator", &m);
	if (rc) {
		fprintf(stderr, "create: %d\n", rc);
		return 1;
	}
	printf("pid %d memfd %d\n", getpid(), bpftime_map_memfd(m));
	fflush(stdout);
	for (;;)
		pause();
}
