/*
 * The workload of the agent's dlopen test: once GO_FILE exists it loads LIBRARY (whose constructor
 * calls target_fn once), calls its target_fn and opens MARKER_PATH N/2 times, unloads it (checking
 * that it left the address space), and does it all again: 2 loads, N + 2 calls, N opens. Prints
 * "done N" and nothing else on stdout.
 *
 *   agent_dl_target MARKER_PATH LIBRARY N GO_FILE
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int mapped(const char *path)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096];
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, path) != NULL;
	fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s MARKER_PATH LIBRARY N GO_FILE\n", argv[0]);
		return 2;
	}
	long n = atol(argv[3]);
	while (access(argv[4], F_OK) != 0)
		usleep(5000);
	for (int round = 0; round < 2; round++) {
		void *h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
		unsigned long (*fn)(unsigned long) = h ? (unsigned long (*)(unsigned long))dlsym(h, "target_fn") : NULL;
		if (!fn) {
			fprintf(stderr, "%s\n", dlerror());
			return 3;
		}
		for (long i = 0; i < n / 2; i++) {
			errno = 4321;
			if (fn((unsigned long)i) != (unsigned long)i * 2 + 1 || errno != 4321)
				return 4;
			int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return 5;
			close(fd);
		}
		if (dlclose(h) != 0 || mapped(argv[2]) != 0)
			return 6;
	}
	printf("done %ld\n", n);
	return 0;
}
