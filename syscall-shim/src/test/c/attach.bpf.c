/* Programs that only return 0, one per attach kind libbpf has: what libbpf_attach attaches. */

#define SEC(name) __attribute__((section(name), used))

SEC("tracepoint/syscalls/sys_enter_openat") int on_openat(void *ctx) { return 0; }
SEC("raw_tracepoint/sys_enter") int on_sys_enter(void *ctx) { return 0; }
SEC("uprobe") int on_entry(void *ctx) { return 0; }
SEC("uretprobe") int on_return(void *ctx) { return 0; }
SEC("kprobe/do_sys_openat2") int on_kprobe(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
