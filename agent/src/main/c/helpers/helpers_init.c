/*
 * The once-only work the GPR-safe helpers must not do on a hit (bpftime_helpers_init): glibc calls
 * such as pthread_atfork and dlsym, and the maps library's parse of the possible CPUs. Built
 * without -mgeneral-regs-only: nothing here runs inside a program.
 */
#include <dlfcn.h>
#include <pthread.h>

#include "bpftime_map.h"
#include "helpers_internal.h"

int (*helper_vdso_clock_gettime)(long clock, void *ts);

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* glibc keeps the vDSO among its loaded objects under its soname (elf/setup-vdso.h). */
static void *vdso_symbol(const char *name)
{
	void *vdso = dlopen("linux-vdso.so.1", RTLD_LAZY | RTLD_NOLOAD);
	void *sym = vdso ? dlsym(vdso, name) : NULL;
	if (vdso)
		dlclose(vdso);
	return sym;
}

static void init(void)
{
	pthread_atfork(NULL, NULL, helper_after_fork_child);
	bpftime_possible_cpus();
	__atomic_store_n(&helper_vdso_clock_gettime, (int (*)(long, void *))vdso_symbol("__vdso_clock_gettime"),
			 __ATOMIC_RELEASE);
}

void bpftime_helpers_init(void)
{
	pthread_once(&init_once, init);
}
