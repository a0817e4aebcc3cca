package io.equirisk.nativ.ffi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * The C struct {@code er_device_info} of {@code equirisk.h}, in the shape jextract generates: the layout, one
 * {@link VarHandle} per scalar field and static accessors taking the struct's segment.
 *
 * <pre>
 * typedef struct er_device_info {
 *     char name[256];
 *     int32_t compute_major, compute_minor, multiprocessors, driver_version, runtime_version;
 *     int64_t total_memory, free_memory, shared_memory_per_block_optin;
 * } er_device_info;
 * </pre>
 * Five int32 after 256 bytes end at offset 276, so 4 bytes of padding align the int64 fields at 280 (x86-64 SysV).
 */
public final class ErDeviceInfo {
    private ErDeviceInfo() {
    }

    public static final int NAME_LENGTH = 256;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(NAME_LENGTH, ValueLayout.JAVA_BYTE).withName("name"),
            ValueLayout.JAVA_INT.withName("compute_major"),
            ValueLayout.JAVA_INT.withName("compute_minor"),
            ValueLayout.JAVA_INT.withName("multiprocessors"),
            ValueLayout.JAVA_INT.withName("driver_version"),
            ValueLayout.JAVA_INT.withName("runtime_version"),
            MemoryLayout.paddingLayout(4),
            ValueLayout.JAVA_LONG.withName("total_memory"),
            ValueLayout.JAVA_LONG.withName("free_memory"),
            ValueLayout.JAVA_LONG.withName("shared_memory_per_block_optin")
    ).withName("er_device_info");

    private static final long NAME_OFFSET = LAYOUT.byteOffset(groupElement("name"));
    private static final VarHandle COMPUTE_MAJOR = field("compute_major");
    private static final VarHandle COMPUTE_MINOR = field("compute_minor");
    private static final VarHandle MULTIPROCESSORS = field("multiprocessors");
    private static final VarHandle DRIVER_VERSION = field("driver_version");
    private static final VarHandle RUNTIME_VERSION = field("runtime_version");
    private static final VarHandle TOTAL_MEMORY = field("total_memory");
    private static final VarHandle FREE_MEMORY = field("free_memory");
    private static final VarHandle SHARED_MEMORY_OPTIN = field("shared_memory_per_block_optin");

    private static VarHandle field(String name) {
        // The base-offset coordinate is fixed at 0: accessors take the struct's own segment.
        return java.lang.invoke.MethodHandles.insertCoordinates(LAYOUT.varHandle(groupElement(name)), 1, 0L);
    }

    /** The device name, read up to its NUL terminator (never past the 256-byte array, even without one). */
    public static String name(MemorySegment s) {
        MemorySegment bytes = s.asSlice(NAME_OFFSET, NAME_LENGTH);
        int len = 0;
        while (len < NAME_LENGTH && bytes.get(ValueLayout.JAVA_BYTE, len) != 0) {
            len++;
        }
        return new String(bytes.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    public static int computeMajor(MemorySegment s) {
        return (int) COMPUTE_MAJOR.get(s);
    }

    public static int computeMinor(MemorySegment s) {
        return (int) COMPUTE_MINOR.get(s);
    }

    public static int multiprocessors(MemorySegment s) {
        return (int) MULTIPROCESSORS.get(s);
    }

    public static int driverVersion(MemorySegment s) {
        return (int) DRIVER_VERSION.get(s);
    }

    public static int runtimeVersion(MemorySegment s) {
        return (int) RUNTIME_VERSION.get(s);
    }

    public static long totalMemory(MemorySegment s) {
        return (long) TOTAL_MEMORY.get(s);
    }

    public static long freeMemory(MemorySegment s) {
        return (long) FREE_MEMORY.get(s);
    }

    public static long sharedMemoryPerBlockOptin(MemorySegment s) {
        return (long) SHARED_MEMORY_OPTIN.get(s);
    }
}
