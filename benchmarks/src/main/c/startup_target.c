/*
 * The process the start-up figures start (figures_startup.c): it calls each of its ten probe
 * targets once and exits 0. `startup_target --offsets` prints each target's file offset in this
 * executable, one per line, for the kernel's uprobes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel_probe.h"
#include "startup.h"

#define TARGET(n) \
	__attribute__((noinline, noipa, visibility("default"))) long startup_fn##n(long a) { return a + n; }
TARGET(0) TARGET(1) TARGET(2) TARGET(3) TARGET(4) TARGET(5) TARGET(6) TARGET(7) TARGET(8) TARGET(9)

static long (*const targets[STARTUP_TARGETS])(long) = {
	startup_fn0, startup_fn1, startup_fn2, startup_fn3, startup_fn4,
	startup_fn5, startup_fn6, startup_fn7, startup_fn8, startup_fn9,
};

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--offsets") == 0) {
		for (int i = 0; i < STARTUP_TARGETS; i++) {
			char path[4096];
			uint64_t offset;
			if (file_offset_of((const void *)targets[i], path, sizeof(path), &offset))
				return 1;
			printf("%llu\n", (unsigned long long)offset);
		}
		return 0;
	}
	long sum = 0;
	for (int i = 0; i < STARTUP_TARGETS; i++)
		sum += targets[i](i);
	return sum == 90 ? 0 : 1;
}
