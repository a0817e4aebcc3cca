package io.equirisk.nativ;

/** The two builds of the kernels behind the same C ABI. */
public enum LibraryKind {
    /** nvcc build, static cudart: runs on an NVIDIA device; loads (and reports no device) without a driver. */
    CUDA("cuda", "libequirisk_cuda.so", "nvcc absent at build time"),
    /** g++ build of the same sources over the CUDA emulation header: runs the kernels on host threads. */
    EMULATION("emulation", "libequirisk_emu.so", "the equirisk-kernels build did not produce it");

    private final String abiName;
    private final String fileName;
    private final String whyUsuallyMissing;

    LibraryKind(String abiName, String fileName, String whyUsuallyMissing) {
        this.abiName = abiName;
        this.fileName = fileName;
        this.whyUsuallyMissing = whyUsuallyMissing;
    }

    /** What {@code er_library_kind()} returns for this build. */
    public String abiName() {
        return abiName;
    }

    public String fileName() {
        return fileName;
    }

    /** The usual cause when the jar lacks this library, for users. */
    String whyUsuallyMissing() {
        return whyUsuallyMissing;
    }
}
