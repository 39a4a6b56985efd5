# The BPF helpers (agent/src/main/c/helpers): objects of libbpftime-probe.a, and
# libbpftime-helpers.so (helpers + interpreter + maps) for the Java tests through JNA.
HELPERS_SRC := $(wildcard src/main/c/helpers/*.c)
HELPERS_OBJ := $(patsubst src/main/c/%.c,$(OUT)/obj/%.o,$(HELPERS_SRC))
LIB_OBJ     += $(HELPERS_OBJ)
HEADERS     += $(wildcard src/main/c/helpers/*.h src/main/c/helpers/include/*.h)
CFLAGS      += -Isrc/main/c/helpers -Isrc/main/c/helpers/include

all: $(OUT)/libbpftime-helpers.so

$(OUT)/libbpftime-helpers.so: src/test/c/helpers/helpers_jna.c $(HELPERS_OBJ) $(HEADERS) $(DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -o $@ $< $(HELPERS_OBJ) -Wl,--whole-archive $(DEPS) -Wl,--no-whole-archive $(LDLIBS)
