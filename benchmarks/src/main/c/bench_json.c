#include "bench.h"

void bench_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void begin(FILE *out, const struct bench_figure *fig)
{
	fputs("{\"name\":", out);
	bench_json_string(out, fig->name);
	if (fig->kernel) {
		fputs(",\"kernel\":", out);
		bench_json_string(out, fig->kernel);
	}
	if (fig->native) {
		fputs(",\"native\":", out);
		bench_json_string(out, fig->native);
	}
	if (fig->baseline) {
		fputs(",\"baseline\":", out);
		bench_json_string(out, fig->baseline);
	}
}

static void end(FILE *out)
{
	fputs("}\n", out);
	fflush(out);
}

void bench_json_result(FILE *out, const struct bench_figure *fig, const struct bench_result *r)
{
	begin(out, fig);
	fprintf(out,
		",\"ns_per_op\":%.3f,\"cpu_ns_per_op\":%.3f,\"ops\":%llu,\"runs\":%d,\"min_ns_per_op\":%.3f,"
		"\"max_ns_per_op\":%.3f",
		r->ns_per_op, r->cpu_ns_per_op, (unsigned long long)r->ops, r->runs, r->min_ns_per_op, r->max_ns_per_op);
	if (r->insns_per_op > 0)
		fprintf(out, ",\"insns_per_op\":%.1f", r->insns_per_op);
	end(out);
}

void bench_json_skipped(FILE *out, const struct bench_figure *fig, const char *reason)
{
	begin(out, fig);
	fputs(",\"skipped\":", out);
	bench_json_string(out, reason);
	end(out);
}

void bench_json_error(FILE *out, const struct bench_figure *fig, const char *reason)
{
	begin(out, fig);
	fputs(",\"error\":", out);
	bench_json_string(out, reason);
	end(out);
}
