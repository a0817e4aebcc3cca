package io.equirisk.nativ;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The process environment as the native library's getenv sees it: the emulation library reads some of its settings
 * (EQUIRISK_EMU_PINNED_MEMORY, EQUIRISK_EMU_DEVICE_MEMORY) at every call, so a test can change them; the JVM's own
 * copy of the environment is read-only.
 */
final class LibcEnvironment {
    private LibcEnvironment() {
    }

    /** libc's setenv, or unsetenv for a null value. */
    static void set(String name, String value) {
        Linker linker = Linker.nativeLinker();
        try (Arena arena = Arena.ofConfined()) {
            int rc;
            if (value == null) {
                MethodHandle unset = linker.downcallHandle(linker.defaultLookup().find("unsetenv").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
                rc = (int) unset.invokeExact(arena.allocateFrom(name));
            } else {
                MethodHandle set = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                ValueLayout.JAVA_INT));
                rc = (int) set.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            }
            assertEquals(0, rc, "setenv " + name);
        } catch (Throwable t) {
            throw new AssertionError("setenv " + name + " failed", t);
        }
    }
}
