package dev.bpftime.compat.testrun;

import dev.bpftime.isa.Instruction;
import dev.bpftime.vm.Interpreter;
import java.util.List;

/** Runs programs on the C interpreter (libbpftime-vm), with bounds checking on. */
public final class InterpreterEngine implements ProgramEngine {

    @Override
    public String name() {
        return "interpreter";
    }

    @Override
    public Loaded load(List<Instruction> program) {
        Interpreter vm = Interpreter.load(program);
        vm.setBoundsChecking(true);
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
