/*
 * The once-only work the GPR-safe helpers must not do on a hit (bpftime_helpers_init): glibc calls
 * such as pthread_atfork, finding the vDSO's clock_gettime, and the maps library's parse of the
 * possible CPUs. Built without -mgeneral-regs-only: nothing here runs inside a program.
 */
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <sys/auxv.h>

#include "bpftime_map.h"
#include "helpers_internal.h"

int (*helper_vdso_clock_gettime)(long clock, void *ts);

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/*
 * A function of the vDSO by its dynamic symbol table (DT_HASH gives the symbol count: the x86-64
 * vDSO is linked --hash-style=both, arch/x86/entry/vdso/Makefile), or NULL. Not dlopen/dlsym: they
 * take the dynamic loader's lock, which an application thread inside dlopen may hold while it waits
 * in a probe for the control thread that runs this.
 */
static void *vdso_symbol(const char *name)
{
	const ElfW(Ehdr) *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	if (!eh)
		return NULL;
	const ElfW(Phdr) *ph = (const void *)((const char *)eh + eh->e_phoff);
	uintptr_t bias = 0, dyn_vaddr = 0;
	int loaded = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !loaded) {
			bias = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
			loaded = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn_vaddr = ph[i].p_vaddr;
		}
	}
	if (!loaded || !dyn_vaddr)
		return NULL;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *hash = NULL;
	for (const ElfW(Dyn) *d = (const void *)(bias + dyn_vaddr); d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_SYMTAB)
			symtab = (const void *)(bias + d->d_un.d_ptr);
		else if (d->d_tag == DT_STRTAB)
			strtab = (const void *)(bias + d->d_un.d_ptr);
		else if (d->d_tag == DT_HASH)
			hash = (const void *)(bias + d->d_un.d_ptr);
	}
	if (!symtab || !strtab || !hash)
		return NULL;
	for (uint32_t i = 0; i < hash[1]; i++) /* nchain: the number of symbols */
		if (ELF64_ST_TYPE(symtab[i].st_info) == STT_FUNC && symtab[i].st_shndx != SHN_UNDEF &&
		    strcmp(strtab + symtab[i].st_name, name) == 0)
			return (void *)(bias + symtab[i].st_value);
	return NULL;
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
