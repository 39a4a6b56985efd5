#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

void sha256(const void *data, size_t len, unsigned char out[32]);

#endif
