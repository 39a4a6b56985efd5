# The agent's control part (src/main/c/control): linked into libbpftime-agent.so only.
CONTROL_SRC := $(wildcard src/main/c/control/*.c)
AGENT_OBJ   += $(patsubst src/main/c/%.c,$(OUT)/obj/%.o,$(CONTROL_SRC))
HEADERS     += $(wildcard src/main/c/control/*.h)
