/* A shared library the dlopen scenario of probe_test loads, probes, unloads and loads again. */
__attribute__((visibility("default"), noinline)) long lib_twice(long a)
{
	__asm__ volatile("" ::: "memory");
	return 2 * a + 1;
}
