/* Prints "NAME number" for every errno glibc names, so that the tests can read strace's
 * "-1 ENOENT (...)" results as numbers. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);

		if (name)
			printf("%s %d\n", name, e);
	}
	/* the kernel-internal restart codes strace shows for an interrupted syscall
	 * (include/linux/errno.h) */
	printf("ERESTARTSYS 512\nERESTARTNOINTR 513\nERESTARTNOHAND 514\nERESTART_RESTARTBLOCK 516\n");
	return 0;
}
