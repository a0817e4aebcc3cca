package io.equirisk.nativ;

import io.equirisk.nativ.ffi.ErDeviceInfo;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/** A device as {@code er_device_info_get} reports it (for the emulation: the host standing in for a device). */
public record DeviceInfo(String name, int computeMajor, int computeMinor, int multiprocessors, int driverVersion,
                         int runtimeVersion, long totalMemory, long freeMemory, long sharedMemoryPerBlockOptin) {

    static DeviceInfo read(MemorySegment s) {
        return new DeviceInfo(ErDeviceInfo.name(s), ErDeviceInfo.computeMajor(s), ErDeviceInfo.computeMinor(s),
                ErDeviceInfo.multiprocessors(s), ErDeviceInfo.driverVersion(s), ErDeviceInfo.runtimeVersion(s),
                ErDeviceInfo.totalMemory(s), ErDeviceInfo.freeMemory(s), ErDeviceInfo.sharedMemoryPerBlockOptin(s));
    }

    /** For users, e.g. "NVIDIA H100 80GB HBM3, compute 9.0, 79.2 GiB, driver 13.0". */
    public String describe() {
        return name + ", compute " + computeMajor + "." + computeMinor + ", "
                + String.format(Locale.ROOT, "%.1f GiB", totalMemory / (double) (1L << 30))
                + ", driver " + cudaVersion(driverVersion);
    }

    /** CUDA encodes versions as 1000·major + 10·minor (13000 = 13.0); 0 means unknown. */
    static String cudaVersion(int v) {
        return v <= 0 ? "unknown" : (v / 1000) + "." + (v % 1000) / 10;
    }
}
