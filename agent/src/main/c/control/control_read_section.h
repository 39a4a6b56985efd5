/* Read sections over published program lists (read_section.c). */
#ifndef BPFTIME_CONTROL_READ_SECTION_H
#define BPFTIME_CONTROL_READ_SECTION_H

/* NULL: this thread must not run programs now (nested in a program, or no thread slot). */
void *read_section_enter(void);
void read_section_leave(void *section);
/* Whether this thread has its slot already (read_section_enter then runs no libc code). */
int read_section_claimed(void);
/* Returns when every read section begun before the call has ended. */
void read_section_synchronize(void);

#endif
