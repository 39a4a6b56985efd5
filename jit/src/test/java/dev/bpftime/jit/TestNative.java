package dev.bpftime.jit;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;

/** The C test helpers of src/test/c (built by Maven into target/native) and their ids. */
final class TestNative {

    static final int WEIGHTED_SUM = 1;
    static final int CLOBBER = 2;
    static final int RSP_MOD16 = 3;
    static final int SUM_BYTES = 4;
    static final int UNWIND = 5;
    static final int FILL_BYTES = 6;
    static final int STUB = 7;
    static final long STUB_RESULT = 0xdeadbeefL;

    private static NativeLibrary library;

    private TestNative() {
    }

    static synchronized NativeLibrary library() {
        if (library == null) {
            String path = System.getProperty("bpftime.jit.testlib");
            if (path == null || !Files.isRegularFile(Path.of(path))) {
                throw new IllegalStateException("the C test helpers are missing: actual " + path
                        + " vs expected jit/target/native/libbpftime_jit_test.so, built by `mvn -pl jit verify`");
            }
            library = NativeLibrary.getInstance(path);
        }
        return library;
    }

    static long helperTable() {
        Function f = library().getFunction("bpftime_jit_test_helper_table");
        return com.sun.jna.Pointer.nativeValue(f.invokePointer(new Object[0]));
    }

    static int helperCount() {
        return library().getFunction("bpftime_jit_test_helper_count").invokeInt(new Object[0]);
    }

    static JitLinker linker() {
        return linker(JitLinker.MapAddresses.NONE);
    }

    static JitLinker linker(JitLinker.MapAddresses maps) {
        return new JitLinker(helperTable(), helperCount(), maps);
    }
}
