package dev.bpftime.compat.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyscallTableTest {

    private final List<Syscall> table = SyscallTable.x86_64();

    @Test
    void shippedTableHasUniqueNumbersAndNames() {
        Set<Integer> numbers = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Syscall s : table) {
            assertTrue(numbers.add(s.nr()), "number " + s.nr() + " twice");
            assertTrue(names.add(s.name()), "name " + s.name() + " twice");
        }
        assertTrue(table.size() > 300, "actual " + table.size() + " syscalls vs expected the x86-64 set (300+)");
    }

    @Test
    void openatIsNumber257WithTheKernelsArguments() {
        Syscall openat = table.stream().filter(s -> s.name().equals("openat")).findFirst().orElseThrow();
        assertEquals(257, openat.nr());
        assertEquals(List.of(new Syscall.Arg("int", "dfd", false), new Syscall.Arg("const char *", "filename", false),
                new Syscall.Arg("int", "flags", false), new Syscall.Arg("umode_t", "mode", false)), openat.args());
    }

    @Test
    void tracepointNamedAfterTheEntryPointKeepsTheSyscallsNumber() {
        Syscall stat = table.stream().filter(s -> s.name().equals("newstat")).findFirst().orElseThrow();
        assertEquals(4, stat.nr(), "sys_enter_newstat is __NR_stat");
    }

    @Test
    void malformedLinesAreRefusedWithTheirLineNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyscallTable.parse("0\tread\tunsigned int\tfd\t0\n1\twrite\tint\n"));
        assertEquals("syscalls-x86_64.tsv line 2: actual 3 fields vs expected 2 + 3 per argument", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SyscallTable.parse("x\tread\n"));
        assertTrue(e.getMessage().contains("number actual 'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SyscallTable.parse("0\tread\tint\tfd\tyes\n"));
        assertTrue(e.getMessage().contains("signed actual 'yes' vs expected 0 or 1"), e.getMessage());
    }
}
