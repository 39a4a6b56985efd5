# The agent's end-to-end test programs (src/test/c/control): a libbpf loader (where libbpf-dev is
# installed), the traced workload and the BPF object, compiled by the build with clang-19.
CONTROL_TEST_OUT := $(OUT)/control-test
CONTROL_TESTS := $(CONTROL_TEST_OUT)/agent_target $(CONTROL_TEST_OUT)/agent_probes.bpf.o \
                 $(CONTROL_TEST_OUT)/agent_override.bpf.o $(CONTROL_TEST_OUT)/agent_mapinmap.bpf.o \
                 $(CONTROL_TEST_OUT)/agent_big.bpf.o $(CONTROL_TEST_OUT)/agent_many_maps.bpf.o \
                 $(CONTROL_TEST_OUT)/agent_dl_target $(CONTROL_TEST_OUT)/libagent_dl.so
ifneq ($(wildcard /usr/include/bpf/libbpf.h),)
CONTROL_TESTS += $(CONTROL_TEST_OUT)/agent_loader $(CONTROL_TEST_OUT)/agent_mapinmap_loader
endif

$(CONTROL_TEST_OUT)/agent_target: src/test/c/control/agent_target.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Werror -o $@ $< -lpthread

$(CONTROL_TEST_OUT)/agent_dl_target: src/test/c/control/agent_dl_target.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Werror -o $@ $<

$(CONTROL_TEST_OUT)/libagent_dl.so: src/test/c/control/agent_dl_lib.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Werror -fPIC -shared -o $@ $<

$(CONTROL_TEST_OUT)/agent_loader: src/test/c/control/agent_loader.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Werror -o $@ $< -lbpf

$(CONTROL_TEST_OUT)/agent_mapinmap_loader: src/test/c/control/agent_mapinmap_loader.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Werror -o $@ $< -lbpf

$(CONTROL_TEST_OUT)/%.bpf.o: src/test/c/control/%.bpf.c src/test/c/control/agent_marker.bpf.h
	@mkdir -p $(dir $@)
	clang-19 -g -O2 -target bpf -mcpu=v3 -Wall -Werror -idirafter /usr/include/$(shell $(CC) -print-multiarch) -c $< -o $@

$(CONTROL_TEST_OUT)/agent_big.bpf.o $(CONTROL_TEST_OUT)/agent_many_maps.bpf.o: src/test/c/control/agent_probes.bpf.c
