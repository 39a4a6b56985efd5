package dev.bpftime.compat.testrun;

import dev.bpftime.isa.Instruction;
import dev.bpftime.vm.Interpreter;
import java.util.List;

/**
 * Runs programs on the C interpreter (libbpftime-vm) with bounds checking on: an access outside the
 * context and the stack, or a run longer than {@value #INSTRUCTION_LIMIT} instructions, ends the run
 * with an error instead of harming the service.
 */
public final class InterpreterEngine implements ProgramEngine {

    /** Far above what a verified program executes per run; a bound on an unverified endless loop. */
    static final long INSTRUCTION_LIMIT = 100_000_000L;

    @Override
    public String name() {
        return "interpreter";
    }

    @Override
    public Loaded load(List<Instruction> program) {
        return load(program, java.util.Map.of());
    }

    @Override
    public Loaded load(List<Instruction> program, java.util.Map<Integer, dev.bpftime.vm.Helper> helpers) {
        return load(program, helpers, List.of());
    }

    @Override
    public Loaded load(List<Instruction> program, java.util.Map<Integer, dev.bpftime.vm.Helper> helpers,
            List<long[]> regions) {
        Interpreter vm = Interpreter.load(program);
        helpers.forEach(vm::registerHelper);
        for (long[] r : regions) {
            vm.addRegion(new com.sun.jna.Pointer(r[0]), r[1]);
        }
        vm.setBoundsChecking(true);
        vm.setInstructionLimit(INSTRUCTION_LIMIT);
        return new Loaded() {
            @Override
            public long run(byte[] ctx) {
                return vm.run(ctx);
            }

            @Override
            public void close() {
                vm.close();
            }
        };
    }
}
