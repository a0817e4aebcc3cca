package io.equirisk.nativ;

import io.equirisk.error.BackendException;
import io.equirisk.nativ.ffi.EquiriskH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * One loaded build of the C ABI: its kind, where it was loaded from, and its bindings. Loaded once per JVM by
 * {@link NativeLibraryLoader} and never unloaded (the lookup lives in the global arena).
 */
public record NativeLibrary(LibraryKind kind, Path path, EquiriskH api) {

    /** Devices the library can use, or why there are none. */
    public record DeviceCount(int count, String reason) {
    }

    /** Counts usable devices; never throws for "no driver" or "no device" (count 0 and the library's reason). */
    public DeviceCount deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            int status = api.er_device_count(out);
            if (status != EquiriskH.ER_OK) {
                return new DeviceCount(0, "er_device_count failed (" + NativeStatus.name(status) + "): "
                        + api.er_last_error());
            }
            int count = out.get(ValueLayout.JAVA_INT, 0);
            return new DeviceCount(count, count > 0 ? count + " device(s)" : api.er_last_error());
        }
    }

    /** The properties of {@code device}. */
    public DeviceInfo deviceInfo(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = EquiriskH.allocateDeviceInfo(arena);
            NativeStatus.check(api, api.er_device_info_get(device, info), "er_device_info_get");
            return DeviceInfo.read(info);
        } catch (RuntimeException e) {
            if (e instanceof BackendException) {
                throw e;
            }
            throw new BackendException("reading device " + device + " of " + path + " failed: " + e, e);
        }
    }
}
