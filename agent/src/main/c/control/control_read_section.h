/* The engine's grace periods, for what the control part frees (read_section.c). */
#ifndef BPFTIME_CONTROL_READ_SECTION_H
#define BPFTIME_CONTROL_READ_SECTION_H

/* Returns when every read section begun before the call has ended: no thread still runs a
 * program it found before. */
void read_section_synchronize(void);

#endif
