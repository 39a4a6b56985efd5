# The BPF helpers (agent/src/main/c/helpers): objects of libbpftime-probe.a, and
# libbpftime-helpers.so (helpers + interpreter + maps) for the Java tests through JNA.
HELPERS_SRC := $(wildcard src/main/c/helpers/*.c)
HELPERS_OBJ := $(patsubst src/main/c/%.c,$(OUT)/obj/%.o,$(HELPERS_SRC))
LIB_OBJ     += $(HELPERS_OBJ)
HEADERS     += $(wildcard src/main/c/helpers/*.h src/main/c/helpers/include/*.h)
CFLAGS      += -Isrc/main/c/helpers -Isrc/main/c/helpers/include

# The GPR-safe helpers' files (bpftime_helper_gpr_safe): no vector register, no byte loop turned
# into a memcpy call, and no call out of the runtime (a libc function would use SSE or errno): every
# undefined symbol is one of ours (the maps library's program side is GPR-only too, maps/Makefile).
HELPERS_GPR_OBJ := $(patsubst %,$(OUT)/obj/helpers/%.o,helper_table helper_maps helper_hit helper_task \
                     helper_probe_read user_memory helper_output)
$(HELPERS_GPR_OBJ): CFLAGS += -mgeneral-regs-only -fno-tree-loop-distribute-patterns -fno-jump-tables

$(OUT)/helpers-gpr.checked: $(HELPERS_GPR_OBJ)
	@if nm -u $^ | grep -vE '^$$|:$$| (bpftime_|helper_|user_|_GLOBAL_OFFSET_TABLE_)'; then \
	  echo "helpers: a GPR-safe helper's file calls outside the runtime (see above)" >&2; exit 1; fi
	@touch $@

all: $(OUT)/libbpftime-helpers.so $(OUT)/helpers-gpr.checked

$(OUT)/libbpftime-helpers.so: src/test/c/helpers/helpers_jna.c $(HELPERS_OBJ) $(HEADERS) $(DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -o $@ $< $(HELPERS_OBJ) -Wl,--whole-archive $(DEPS) -Wl,--no-whole-archive $(LDLIBS)
