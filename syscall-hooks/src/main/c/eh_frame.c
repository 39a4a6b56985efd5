/* .eh_frame_hdr and .eh_frame reading: see eh_frame.h. */
#include "eh_frame.h"

/* DW_EH_PE_* pointer encodings (LSB Core, 10.5.1) */
#define PE_OMIT 0xff
#define PE_FORMAT 0x0f
#define PE_ABSPTR 0x00
#define PE_ULEB128 0x01
#define PE_UDATA2 0x02
#define PE_UDATA4 0x03
#define PE_UDATA8 0x04
#define PE_SLEB128 0x09
#define PE_SDATA2 0x0a
#define PE_SDATA4 0x0b
#define PE_SDATA8 0x0c
#define PE_APPLICATION 0x70
#define PE_PCREL 0x10
#define PE_DATAREL 0x30

struct reader {
	uint64_t lo, hi;
	int bad;
};

static uint64_t rd(struct reader *r, uint64_t at, unsigned n)
{
	uint64_t v = 0;

	if (r->bad || at < r->lo || at + n > r->hi || at + n < at) {
		r->bad = 1;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)((const uint8_t *)(uintptr_t)at)[i] << (8 * i);
	return v;
}

static uint64_t leb(struct reader *r, uint64_t *at, int is_signed)
{
	uint64_t v = 0, b;
	unsigned shift = 0;

	do {
		b = rd(r, (*at)++, 1);
		if (shift < 64)
			v |= (b & 0x7f) << shift;
		shift += 7;
	} while ((b & 0x80) && !r->bad && shift < 70);
	if (is_signed && shift < 64 && (b & 0x40))
		v |= ~0ull << shift;
	return v;
}

/* Reads a pointer encoded with enc at *at; data_base is for datarel. */
static uint64_t encoded(struct reader *r, uint64_t *at, uint8_t enc, uint64_t data_base)
{
	uint64_t field = *at, v;

	switch (enc & PE_FORMAT) {
	case PE_ABSPTR:
	case PE_UDATA8:
	case PE_SDATA8:
		v = rd(r, *at, 8);
		*at += 8;
		break;
	case PE_UDATA4:
		v = rd(r, *at, 4);
		*at += 4;
		break;
	case PE_SDATA4:
		v = (uint64_t)(int64_t)(int32_t)rd(r, *at, 4);
		*at += 4;
		break;
	case PE_UDATA2:
		v = rd(r, *at, 2);
		*at += 2;
		break;
	case PE_SDATA2:
		v = (uint64_t)(int64_t)(int16_t)rd(r, *at, 2);
		*at += 2;
		break;
	case PE_ULEB128:
		v = leb(r, at, 0);
		break;
	case PE_SLEB128:
		v = leb(r, at, 1);
		break;
	default:
		r->bad = 1;
		return 0;
	}
	switch (enc & PE_APPLICATION) {
	case 0:
		return v;
	case PE_PCREL:
		return v + field;
	case PE_DATAREL:
		return v + data_base;
	default:
		r->bad = 1; /* textrel, funcrel, aligned: not used on x86-64 Linux */
		return 0;
	}
}

#define SIGNAL_FRAME 0x100 /* or-ed into cie_fde_encoding's result: augmentation 'S' */

/* The FDE pointer encoding a CIE's augmentation 'R' names (absptr when none), with SIGNAL_FRAME
 * when the CIE describes a signal trampoline. */
static int cie_fde_encoding(struct reader *r, uint64_t cie)
{
	uint64_t at = cie, len = rd(r, at, 4), aug;
	uint8_t version;
	int enc = PE_ABSPTR;

	at += 4;
	if (len == 0xffffffffu) {
		at += 8;
	}
	if (rd(r, at, 4) != 0) /* CIE_id of a .eh_frame CIE */
		return -1;
	at += 4;
	version = (uint8_t)rd(r, at++, 1);
	aug = at;
	while (rd(r, at, 1) != 0 && !r->bad)
		at++;
	at++;
	if (rd(r, aug, 1) != 'z')
		return r->bad ? -1 : PE_ABSPTR;
	if (version >= 4)
		at += 2; /* address_size, segment_size */
	leb(r, &at, 0); /* code alignment */
	leb(r, &at, 1); /* data alignment */
	if (version == 1)
		at++;
	else
		leb(r, &at, 0); /* return address register */
	leb(r, &at, 0); /* augmentation data length */
	for (uint64_t p = aug + 1; !r->bad; p++) {
		uint8_t c = (uint8_t)rd(r, p, 1);

		if (c == 0)
			break;
		if (c == 'R') {
			enc = (uint8_t)rd(r, at++, 1);
		} else if (c == 'P') {
			uint8_t penc = (uint8_t)rd(r, at++, 1);
			encoded(r, &at, penc & 0x7f, 0);
		} else if (c == 'L') {
			at++;
		} else if (c == 'S') {
			enc |= SIGNAL_FRAME;
		} else if (c != 'B' && c != 'G') {
			return -1; /* an augmentation we cannot skip */
		}
	}
	return r->bad ? -1 : enc;
}

int sh_eh_frame_ranges(uint64_t hdr, uint64_t readable_lo, uint64_t readable_hi,
		       void (*fn)(void *ctx, uint64_t start, uint64_t end), void *ctx)
{
	struct reader r = { readable_lo, readable_hi, 0 };
	uint64_t at = hdr + 4, count, last_cie = 0;
	uint8_t ptr_enc, count_enc, table_enc;
	int fde_enc = -1;

	if (rd(&r, hdr, 1) != 1)
		return -1;
	ptr_enc = (uint8_t)rd(&r, hdr + 1, 1);
	count_enc = (uint8_t)rd(&r, hdr + 2, 1);
	table_enc = (uint8_t)rd(&r, hdr + 3, 1);
	if (ptr_enc == PE_OMIT || count_enc == PE_OMIT || table_enc != (PE_DATAREL | PE_SDATA4))
		return -1; /* no binary search table: nothing we can list cheaply */
	encoded(&r, &at, ptr_enc, hdr);
	count = encoded(&r, &at, count_enc, hdr);
	if (r.bad)
		return -1;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t start = encoded(&r, &at, table_enc, hdr);
		uint64_t fde = encoded(&r, &at, table_enc, hdr);
		uint64_t p = fde, len, cie, range;

		len = rd(&r, p, 4);
		p += 4;
		if (len == 0xffffffffu) {
			p += 8;
		}
		cie = p - rd(&r, p, 4);
		p += 4;
		if (cie != last_cie) {
			fde_enc = cie_fde_encoding(&r, cie);
			last_cie = cie;
		}
		if (fde_enc < 0 || r.bad)
			return -1;
		encoded(&r, &p, (uint8_t)(fde_enc & 0xff), 0); /* pc_begin: the table has it already */
		range = encoded(&r, &p, (uint8_t)(fde_enc & PE_FORMAT), 0);
		if (r.bad)
			return -1;
		/* A signal trampoline's FDE starts a byte early on purpose (the unwinder subtracts one
		 * from a return address; glibc's __restore_rt, after a nop): its code starts at the
		 * next byte, which the decoder must then follow exactly to the end. */
		if (!(fde_enc & SIGNAL_FRAME))
			fn(ctx, start, start + range);
		else if (range > 1)
			fn(ctx, start + 1, start + range);
	}
	return (int)count;
}
