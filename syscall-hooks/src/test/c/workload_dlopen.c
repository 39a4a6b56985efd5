/* Loads argv[1] (the plugin) after the hooks are installed and makes syscalls from its code. */
#include <dlfcn.h>
#include <unistd.h>

#include "workload.h"

#define CALLS 1000

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: workload_dlopen PLUGIN.so");
	void *lib = dlopen(argv[1], RTLD_NOW);
	CHECK(lib != NULL, "dlopen %s: %s", argv[1], dlerror());
	long (*fn)(void) = (long (*)(void))dlsym(lib, "plugin_getppid");
	CHECK(fn != NULL, "dlsym");
	pid_t ppid = getppid();
	for (int i = 0; i < CALLS; i++)
		CHECK(fn() == ppid, "plugin_getppid");
	printf("workload_dlopen ok\n");
	return 0;
}
