/*
 * The library agent_dl_target loads after a loader attached a uprobe and a uretprobe on its
 * target_fn: the probes must fire from the library's constructor on, as the kernel's uprobe_mmap
 * inserts them when the file is mapped, before the loader runs the constructors.
 */
__attribute__((visibility("default"), noinline)) unsigned long target_fn(unsigned long i)
{
	__asm__ volatile("" ::: "memory");
	return i * 2 + 1;
}

__attribute__((constructor)) static void at_load(void)
{
	target_fn(1);
}
