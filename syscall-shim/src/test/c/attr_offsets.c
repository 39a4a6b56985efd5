/*
 * Prints "field offset size" for every union bpf_attr and struct bpf_prog_info field of this
 * machine's include/uapi/linux/bpf.h, compiled by gcc: the oracle for the service's layout tables
 * (libbpf-compat's AttrLayoutTest compares them).
 */
#include <linux/bpf.h>
#include <stddef.h>
#include <stdio.h>

#define A(name, member) printf("%s %zu %zu\n", name, offsetof(union bpf_attr, member), \
			       sizeof(((union bpf_attr *)0)->member))
#define P(member) printf("prog_info.%s %zu %zu\n", #member, offsetof(struct bpf_prog_info, member), \
			 sizeof(((struct bpf_prog_info *)0)->member))

int main(void)
{
	printf("sizeof.bpf_attr 0 %zu\n", sizeof(union bpf_attr));
	printf("sizeof.bpf_prog_info 0 %zu\n", sizeof(struct bpf_prog_info));
	A("map_type", map_type); A("key_size", key_size); A("value_size", value_size);
	A("max_entries", max_entries); A("map_flags", map_flags); A("inner_map_fd", inner_map_fd);
	A("numa_node", numa_node); A("map_name", map_name); A("map_ifindex", map_ifindex); A("btf_fd", btf_fd);
	A("btf_key_type_id", btf_key_type_id); A("btf_value_type_id", btf_value_type_id);
	A("btf_vmlinux_value_type_id", btf_vmlinux_value_type_id); A("map_extra", map_extra);
	A("map_fd", map_fd); A("key", key); A("value", value); A("next_key", next_key); A("flags", flags);
	A("batch.in_batch", batch.in_batch); A("batch.out_batch", batch.out_batch); A("batch.keys", batch.keys);
	A("batch.values", batch.values); A("batch.count", batch.count); A("batch.map_fd", batch.map_fd);
	A("batch.elem_flags", batch.elem_flags); A("batch.flags", batch.flags);
	A("prog_type", prog_type); A("insn_cnt", insn_cnt); A("insns", insns); A("license", license);
	A("log_level", log_level); A("log_size", log_size); A("log_buf", log_buf); A("kern_version", kern_version);
	A("prog_flags", prog_flags); A("prog_name", prog_name); A("prog_ifindex", prog_ifindex);
	A("expected_attach_type", expected_attach_type); A("prog_btf_fd", prog_btf_fd);
	A("func_info_rec_size", func_info_rec_size); A("func_info", func_info); A("func_info_cnt", func_info_cnt);
	A("line_info_rec_size", line_info_rec_size); A("line_info", line_info); A("line_info_cnt", line_info_cnt);
	A("attach_btf_id", attach_btf_id); A("attach_prog_fd", attach_prog_fd); A("core_relo_cnt", core_relo_cnt);
	A("fd_array", fd_array); A("core_relos", core_relos); A("core_relo_rec_size", core_relo_rec_size);
	A("pathname", pathname); A("bpf_fd", bpf_fd); A("file_flags", file_flags);
	A("target_fd", target_fd); A("attach_bpf_fd", attach_bpf_fd); A("attach_type", attach_type);
	A("attach_flags", attach_flags); A("replace_bpf_fd", replace_bpf_fd);
	A("test.prog_fd", test.prog_fd); A("test.retval", test.retval); A("test.data_size_in", test.data_size_in);
	A("test.data_size_out", test.data_size_out); A("test.data_in", test.data_in); A("test.data_out", test.data_out);
	A("test.repeat", test.repeat); A("test.duration", test.duration); A("test.ctx_size_in", test.ctx_size_in);
	A("test.ctx_size_out", test.ctx_size_out); A("test.ctx_in", test.ctx_in); A("test.ctx_out", test.ctx_out);
	A("test.flags", test.flags); A("test.cpu", test.cpu); A("test.batch_size", test.batch_size);
	A("start_id", start_id); A("prog_id", prog_id); A("map_id", map_id); A("btf_id", btf_id);
	A("link_id", link_id); A("next_id", next_id); A("open_flags", open_flags);
	A("info.bpf_fd", info.bpf_fd); A("info.info_len", info.info_len); A("info.info", info.info);
	A("query.target_fd", query.target_fd); A("query.attach_type", query.attach_type);
	A("query.query_flags", query.query_flags); A("query.attach_flags", query.attach_flags);
	A("query.prog_ids", query.prog_ids); A("query.prog_cnt", query.prog_cnt);
	A("query.prog_attach_flags", query.prog_attach_flags);
	A("raw_tracepoint.name", raw_tracepoint.name); A("raw_tracepoint.prog_fd", raw_tracepoint.prog_fd);
	A("btf", btf); A("btf_log_buf", btf_log_buf); A("btf_size", btf_size); A("btf_log_size", btf_log_size);
	A("btf_log_level", btf_log_level);
	A("task_fd_query.pid", task_fd_query.pid); A("task_fd_query.fd", task_fd_query.fd);
	A("task_fd_query.flags", task_fd_query.flags); A("task_fd_query.buf_len", task_fd_query.buf_len);
	A("task_fd_query.buf", task_fd_query.buf); A("task_fd_query.prog_id", task_fd_query.prog_id);
	A("task_fd_query.fd_type", task_fd_query.fd_type); A("task_fd_query.probe_offset", task_fd_query.probe_offset);
	A("task_fd_query.probe_addr", task_fd_query.probe_addr);
	A("link_create.prog_fd", link_create.prog_fd); A("link_create.target_fd", link_create.target_fd);
	A("link_create.attach_type", link_create.attach_type); A("link_create.flags", link_create.flags);
	A("link_create.target_btf_id", link_create.target_btf_id); A("link_create.iter_info", link_create.iter_info);
	A("link_create.iter_info_len", link_create.iter_info_len);
	A("link_create.perf_event.bpf_cookie", link_create.perf_event.bpf_cookie);
	A("link_create.kprobe_multi.flags", link_create.kprobe_multi.flags);
	A("link_create.kprobe_multi.cnt", link_create.kprobe_multi.cnt);
	A("link_create.kprobe_multi.syms", link_create.kprobe_multi.syms);
	A("link_create.kprobe_multi.addrs", link_create.kprobe_multi.addrs);
	A("link_create.kprobe_multi.cookies", link_create.kprobe_multi.cookies);
	A("link_create.tracing.target_btf_id", link_create.tracing.target_btf_id);
	A("link_create.tracing.cookie", link_create.tracing.cookie);
	A("link_update.link_fd", link_update.link_fd); A("link_update.new_prog_fd", link_update.new_prog_fd);
	A("link_update.flags", link_update.flags); A("link_update.old_prog_fd", link_update.old_prog_fd);
	A("link_detach.link_fd", link_detach.link_fd); A("enable_stats.type", enable_stats.type);
	A("iter_create.link_fd", iter_create.link_fd); A("iter_create.flags", iter_create.flags);
	A("prog_bind_map.prog_fd", prog_bind_map.prog_fd); A("prog_bind_map.map_fd", prog_bind_map.map_fd);
	A("prog_bind_map.flags", prog_bind_map.flags);
	P(type); P(id); P(tag); P(jited_prog_len); P(xlated_prog_len); P(jited_prog_insns); P(xlated_prog_insns);
	P(load_time); P(created_by_uid); P(nr_map_ids); P(map_ids); P(name); P(ifindex); P(nr_jited_ksyms);
	P(nr_jited_func_lens); P(jited_ksyms); P(jited_func_lens); P(btf_id); P(func_info_rec_size);
	P(nr_func_info); P(nr_line_info); P(nr_jited_line_info); P(line_info_rec_size);
	P(jited_line_info_rec_size); P(nr_prog_tags); P(prog_tags); P(run_time_ns); P(run_cnt);
	P(recursion_misses); P(verified_insns); P(attach_btf_obj_id); P(attach_btf_id);
	return 0;
}
