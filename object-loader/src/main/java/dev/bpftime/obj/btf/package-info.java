/**
 * BTF, the BPF Type Format: the .BTF and .BTF.ext sections of BPF objects and the blobs of BPF_BTF_LOAD.
 *
 * <p>{@link dev.bpftime.obj.btf.Btf} parses a blob into {@link dev.bpftime.obj.btf.BtfType} records (one per
 * BTF_KIND) after checking it as the kernel does: {@link dev.bpftime.obj.btf.Btf#load} with exactly the
 * rules of kernel/bpf/btf.c btf_parse (for BPF_BTF_LOAD: same verdict, errno and log line, checked against
 * the kernel by the tests), {@link dev.bpftime.obj.btf.Btf#parse} with those rules less what libbpf fixes up
 * in an object before loading it. {@link dev.bpftime.obj.btf.BtfExt} reads .BTF.ext (func_info, line_info,
 * CO-RE relocations); {@link dev.bpftime.obj.btf.ObjectBtf} reads both from an ELF object and gives the
 * blob libbpf would load.
 *
 * <p>The checks, in the kernel's order: {@code HeaderCheck} (header, section layout, strings),
 * {@code MetaCheck} (each type on its own), {@code TypeResolver} with {@code MemberCheck} (references,
 * loops, sizes, member layout, function prototypes), {@code TypeTagOrder}. Every refusal is a
 * {@link dev.bpftime.obj.btf.BtfException} carrying the errno.
 */
package dev.bpftime.obj.btf;
