package io.equirisk.nativ;

import io.equirisk.nativ.ffi.ErDeviceInfo;
import io.equirisk.nativ.ffi.EquiriskH;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extraction, loading and the struct layout. */
class NativeLibraryLoaderTest {

    @Test
    void extractionIsContentHashedAtomicAndReused() throws IOException {
        byte[] a = "first library image".getBytes();
        byte[] b = "second library image".getBytes();
        Path pa = NativeLibraryLoader.extract(LibraryKind.EMULATION, a);
        Path pb = NativeLibraryLoader.extract(LibraryKind.EMULATION, b);
        assertNotEquals(pa, pb, "different content, different file");
        assertEquals("libequirisk_emu-" + String.format("%08x", crc32(a)) + "-" + a.length + ".so",
                pa.getFileName().toString());
        assertArrayEquals(a, Files.readAllBytes(pa));
        assertEquals(pa, NativeLibraryLoader.extract(LibraryKind.EMULATION, a), "same content is reused");
        // a damaged file under the right name is replaced, not trusted: shorter, or as long with a byte changed
        Files.write(pa, Arrays.copyOf(a, a.length - 3));
        assertEquals(pa, NativeLibraryLoader.extract(LibraryKind.EMULATION, a));
        assertArrayEquals(a, Files.readAllBytes(pa));
        byte[] flipped = a.clone();
        flipped[5] ^= 1;
        Files.write(pa, flipped);
        assertEquals(pa, NativeLibraryLoader.extract(LibraryKind.EMULATION, a));
        assertArrayEquals(a, Files.readAllBytes(pa));
        try (var left = Files.list(pa.getParent())) {
            assertTrue(left.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left behind");
        }
        Files.delete(pa);
        Files.delete(pb);
    }

    /**
     * Named and checked by numeric user id (a container's user without a passwd entry is "?" to the JDK, and was
     * refused its own folder), owner-only, and made so again when widened.
     */
    @Test
    void extractionFolderIsPrivate() throws IOException {
        Path dir = NativeLibraryLoader.privateDirectory();
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        assertEquals("equirisk-" + uid, dir.getFileName().toString());
        assertEquals(uid, NativeLibraryLoader.userId(dir.getParent()));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(dir, NativeLibraryLoader.privateDirectory());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    /** Another version's library and an abandoned write go after an hour; the one in use and recent ones stay. */
    @Test
    void staleExtractionsAreRemoved() throws IOException {
        Path dir = Files.createTempDirectory("equirisk-stale-test");
        Path keep = Files.writeString(dir.resolve("libequirisk_emu-aaaa.so"), "in use");
        Path old = Files.writeString(dir.resolve("libequirisk_emu-bbbb.so"), "an older version");
        Path tmp = Files.writeString(dir.resolve("libequirisk_emu-123.tmp"), "a killed write");
        Path recent = Files.writeString(dir.resolve("libequirisk_emu-cccc.so"), "another JVM's, just written");
        Path other = Files.writeString(dir.resolve("libequirisk_cuda-dddd.so"), "another kind");
        var longAgo = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofHours(2)));
        for (Path p : new Path[] {keep, old, tmp, other}) {
            Files.setLastModifiedTime(p, longAgo);
        }
        NativeLibraryLoader.removeStale(dir, "libequirisk_emu", keep);
        assertTrue(Files.exists(keep) && Files.exists(recent) && Files.exists(other));
        assertTrue(!Files.exists(old) && !Files.exists(tmp));
        for (Path p : new Path[] {keep, recent, other}) {
            Files.delete(p);
        }
        Files.delete(dir);
    }

    /**
     * A library reused from an extraction over an hour old is renewed, so another version's JVM starting beside this
     * one does not take it for stale and delete it between this JVM's check and its load (it did, and the failed
     * load was cached for the JVM's life: `auto` fell back to the CPU engine).
     */
    @Test
    void aReusedExtractionIsRenewed() throws IOException {
        byte[] image = "a library image reused after two hours".getBytes();
        Path p = NativeLibraryLoader.extract(LibraryKind.EMULATION, image);
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(2))));
        assertEquals(p, NativeLibraryLoader.extract(LibraryKind.EMULATION, image), "reused");
        String otherVersion = p.getFileName().toString().replaceFirst("-[0-9a-f]{8}-", "-00000000-");
        assertNotEquals(p.getFileName().toString(), otherVersion);
        NativeLibraryLoader.removeStale(p.getParent(), "libequirisk_emu", p.resolveSibling(otherVersion));
        assertTrue(Files.exists(p), "another version's clean-up must leave a copy just reused");
        Files.delete(p);
    }

    /**
     * Whether a library is there to load is answered without loading it: from the named directory when one is given
     * (the file, not the folder), else from the resources, where the emulation library always is.
     */
    @Test
    void packagedLooksWithoutLoading(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        assertFalse(NativeLibraryLoader.packaged(LibraryKind.EMULATION, dir.toString()));
        Files.createDirectory(dir.resolve(LibraryKind.EMULATION.fileName()));
        assertFalse(NativeLibraryLoader.packaged(LibraryKind.EMULATION, dir.toString()), "a folder is no library");
        Path cuda = Files.writeString(dir.resolve(LibraryKind.CUDA.fileName()), "not even a library");
        assertTrue(NativeLibraryLoader.packaged(LibraryKind.CUDA, dir.toString()), "there to load (load judges it)");
        assertTrue(Files.exists(cuda));
        assertTrue(NativeLibraryLoader.packaged(LibraryKind.EMULATION, null), "the emulation library is always built");
        assertEquals(NativeLibraryLoader.packaged(LibraryKind.EMULATION, null),
                NativeLibraryLoader.packaged(LibraryKind.EMULATION, "  "), "a blank directory is none");
    }

    /**
     * From a jar, a copy extracted before is found by the size and CRC-32 the jar's directory lists, without reading
     * the resource; a copy damaged since is written again from it; a resource not in a jar is read each time.
     */
    @Test
    void aJarsLibraryIsReusedWithoutReadingTheResource(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] image = ("a library image in a jar, " + System.nanoTime()).getBytes();
        String resource = "io/equirisk/native/test/" + LibraryKind.EMULATION.fileName();
        Path jar = dir.resolve("lib.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry(resource));
            out.write(image);
            out.closeEntry();
        }
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null)) {
            assertEquals(new NativeLibraryLoader.Image(image.length, crc32(image)),
                    NativeLibraryLoader.listedImage(loader, resource), "the jar's directory lists size and CRC-32");
            long reads = NativeLibraryLoader.RESOURCE_READS.get();
            Path p = NativeLibraryLoader.extractResource(LibraryKind.EMULATION, loader, resource);
            assertArrayEquals(image, Files.readAllBytes(p));
            assertEquals(reads + 1, NativeLibraryLoader.RESOURCE_READS.get(), "first time: read and written");
            assertEquals(p, NativeLibraryLoader.extractResource(LibraryKind.EMULATION, loader, resource));
            assertEquals(reads + 1, NativeLibraryLoader.RESOURCE_READS.get(), "reused: the resource is not read");
            byte[] damaged = image.clone();
            damaged[0] ^= 1;
            Files.write(p, damaged);
            assertEquals(p, NativeLibraryLoader.extractResource(LibraryKind.EMULATION, loader, resource));
            assertArrayEquals(image, Files.readAllBytes(p), "a damaged copy is written again");
            assertEquals(reads + 2, NativeLibraryLoader.RESOURCE_READS.get());
            assertEquals(p, NativeLibraryLoader.extract(LibraryKind.EMULATION, image), "the same name either way");
            Files.delete(p);
        }
        Path classes = Files.createDirectories(dir.resolve("classes").resolve(resource).getParent());
        Files.write(classes.resolve(LibraryKind.EMULATION.fileName()), image);
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {dir.resolve("classes").toUri().toURL()},
                null)) {
            assertEquals(null, NativeLibraryLoader.listedImage(loader, resource), "a folder lists no CRC");
            long reads = NativeLibraryLoader.RESOURCE_READS.get();
            Path p = NativeLibraryLoader.extractResource(LibraryKind.EMULATION, loader, resource);
            assertArrayEquals(image, Files.readAllBytes(p));
            assertEquals(reads + 1, NativeLibraryLoader.RESOURCE_READS.get());
            Files.delete(p);
        }
    }

    private static long crc32(byte[] bytes) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    /** An extraction that fails says why, and where else the libraries can go. */
    @Test
    void extractionFailuresSayWhy() {
        assertEquals("/nonexistent/x does not exist",
                NativeLibraryLoader.describe(new java.nio.file.NoSuchFileException("/nonexistent/x")));
        assertEquals("/ro/x: permission denied",
                NativeLibraryLoader.describe(new java.nio.file.AccessDeniedException("/ro/x")));
        assertTrue(NativeLibraryLoader.WHERE_ELSE.contains("-Djava.io.tmpdir")
                && NativeLibraryLoader.WHERE_ELSE.contains(NativeLibraryLoader.DIR_PROPERTY));
    }

    @Test
    void loadingIsOncePerJvmAndChecksTheAbi() {
        NativeLibrary lib = NativeTestBackend.library();
        assertSame(lib, NativeLibraryLoader.load(NativeTestBackend.kind()).library());
        assertEquals(EquiriskH.ER_ABI_VERSION, lib.api().er_abi_version());
        assertEquals(NativeTestBackend.kind().abiName(), lib.api().er_library_kind());
        assertTrue(lib.deviceCount().count() >= 1, lib.deviceCount().reason());
        DeviceInfo info = lib.deviceInfo(0);
        assertTrue(!info.name().isBlank() && info.totalMemory() > 0, info.toString());
    }

    /** Loading the CUDA build never crashes the JVM: without a driver it loads and counts no device. */
    @Test
    void cudaLibraryLoadsOrSaysWhyNot() {
        NativeLibraryLoader.Result r = NativeLibraryLoader.load(LibraryKind.CUDA);
        if (!r.loaded()) {
            assertTrue(r.reason().contains("libequirisk_cuda.so"), r.reason());
            return;
        }
        NativeLibrary.DeviceCount dc = r.library().deviceCount();
        assertTrue(dc.count() >= 0);
        if (dc.count() == 0) {
            assertTrue(!dc.reason().isBlank(), "a reason for having no device");
        }
    }

    /** A missing file, or one that is not a loadable library, is an ordinary answer with a reason. */
    @Test
    void unusableLibrariesAreReasonsNotCrashes() throws IOException {
        Path dir = Files.createTempDirectory("equirisk-loader-test");
        try {
            NativeLibraryLoader.Result missing = NativeLibraryLoader.loadFromDirectory(LibraryKind.CUDA, dir);
            assertTrue(!missing.loaded() && missing.reason().contains("libequirisk_cuda.so not found in"),
                    missing.reason());
            Files.writeString(dir.resolve("libequirisk_emu.so"), "not an ELF file");
            NativeLibraryLoader.Result garbage = NativeLibraryLoader.loadFromDirectory(LibraryKind.EMULATION, dir);
            assertTrue(!garbage.loaded() && garbage.reason().contains("did not load"), garbage.reason());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** Offsets and size of er_device_info as the C compiler lays it out on x86-64 (5 int32 after 256 chars, pad 4). */
    @Test
    void deviceInfoLayout() {
        assertEquals(304, ErDeviceInfo.LAYOUT.byteSize());
        assertEquals(8, ErDeviceInfo.LAYOUT.byteAlignment());
        assertEquals(256, offset("compute_major"));
        assertEquals(268, offset("driver_version"));
        assertEquals(272, offset("runtime_version"));
        assertEquals(280, offset("total_memory"));
        assertEquals(296, offset("shared_memory_per_block_optin"));
    }

    private static long offset(String field) {
        return ErDeviceInfo.LAYOUT.byteOffset(groupElement(field));
    }

    /** A missing library is told apart: the kernels jar missing (neither build present) or this build not made. */
    @Test
    void aMissingLibraryIsToldFromAMissingJar() {
        String cudaRes = "io/equirisk/native/linux-x86_64/libequirisk_cuda.so";
        String emuRes = "io/equirisk/native/linux-x86_64/libequirisk_emu.so";
        String noJar = NativeLibraryLoader.whyMissing(LibraryKind.CUDA, "linux-x86_64", r -> false);
        assertTrue(noJar.contains("the equirisk-kernels jar") && noJar.contains("is missing"), noJar);
        String noNvcc = NativeLibraryLoader.whyMissing(LibraryKind.CUDA, "linux-x86_64", emuRes::equals);
        assertEquals("libequirisk_cuda.so not built (nvcc absent at build time)", noNvcc);
        assertTrue(NativeLibraryLoader.whyMissing(LibraryKind.EMULATION, "linux-x86_64", cudaRes::equals)
                .startsWith("libequirisk_emu.so not built"));
    }
}
