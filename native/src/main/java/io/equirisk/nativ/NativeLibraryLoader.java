package io.equirisk.nativ;

import io.equirisk.nativ.ffi.EquiriskH;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * Finds, extracts and loads the native libraries, once per JVM and kind.
 *
 * <p>The libraries travel as resources {@code io/equirisk/native/linux-x86_64/libequirisk_{cuda,emu}.so} of the
 * equirisk-kernels jar. A library is written to {@code ${java.io.tmpdir}/equirisk-<uid>/} (a directory only its owner
 * may use, named and checked by numeric user id: a container's user often has no name, and the JDK calls every such
 * user "?") under a name carrying its size and CRC-32 ({@link Image}), by writing a temporary file and moving it
 * atomically, so concurrent JVMs never see half a file and a rebuilt library does not reuse a stale one; an existing
 * file with the right content is reused (found from the jar's directory, without reading the resource), and other
 * versions' files and abandoned temporary files over an hour old are deleted (an upgrade left 18 MB behind each
 * time; a process that has one loaded keeps its mapping). It is then loaded by
 * path with {@link SymbolLookup#libraryLookup(Path, Arena)}.
 *
 * <p>The system property {@value #DIR_PROPERTY} names a directory to load the libraries from instead (a build tree,
 * or a GPU machine where they were built in place).
 *
 * <p>Every failure is an ordinary answer with a reason, never an exception: a platform other than Linux x86-64, a
 * jar without the library (no nvcc at build time), a library that does not load, or one of another ABI version.
 */
public final class NativeLibraryLoader {
    /** A directory holding libequirisk_*.so to load instead of the jar's resources. */
    public static final String DIR_PROPERTY = "equirisk.native.dir";
    static final String RESOURCE_ROOT = "io/equirisk/native/";

    private static final Map<LibraryKind, Result> LOADED = new ConcurrentHashMap<>();

    private NativeLibraryLoader() {
    }

    /** A loaded library, or the reason there is none. */
    public record Result(NativeLibrary library, String reason) {
        public boolean loaded() {
            return library != null;
        }

        static Result failed(String reason) {
            return new Result(null, reason);
        }
    }

    /** Loads {@code kind} (once per JVM; later calls return the same answer). Never throws. */
    public static Result load(LibraryKind kind) {
        return LOADED.computeIfAbsent(kind, NativeLibraryLoader::loadOnce);
    }

    /**
     * Whether {@code kind} is there to load, without loading it: in {@value #DIR_PROPERTY} when that is set, else among
     * this platform's resources. Cheap: nothing is read or extracted (a probe that needs no library asks this first).
     */
    public static boolean packaged(LibraryKind kind) {
        return packaged(kind, System.getProperty(DIR_PROPERTY));
    }

    /** {@link #packaged(LibraryKind)} with {@code dir} as the value of {@value #DIR_PROPERTY} (null: unset). */
    static boolean packaged(LibraryKind kind, String dir) {
        if (dir != null && !dir.isBlank()) {
            try {
                return Files.isRegularFile(Path.of(dir).toAbsolutePath().resolve(kind.fileName()));
            } catch (java.nio.file.InvalidPathException e) {
                return true; // load says what is wrong with it
            }
        }
        String platform = platform();
        return platform != null && NativeLibraryLoader.class.getClassLoader()
                .getResource(resource(kind, platform)) != null;
    }

    /** The library's resource name for {@code platform}. */
    private static String resource(LibraryKind kind, String platform) {
        return RESOURCE_ROOT + platform + "/" + kind.fileName();
    }

    /**
     * Why {@code kind}'s library is not among the resources: the kernels jar holds both builds and always the
     * emulation's, so with neither present the jar is missing from the deployment (a build without nvcc would have
     * left the emulation's), and with the other present this build was not made.
     */
    static String whyMissing(LibraryKind kind, String platform, java.util.function.Predicate<String> present) {
        boolean anyBuilt = false;
        for (LibraryKind k : LibraryKind.values()) {
            anyBuilt |= present.test(resource(k, platform));
        }
        if (!anyBuilt) {
            return kind.fileName() + " is not on the class path: the equirisk-kernels jar, which holds "
                    + RESOURCE_ROOT + platform + "/, is missing; add it beside equirisk-native";
        }
        return kind.fileName() + " not built (" + kind.whyUsuallyMissing() + ")";
    }

    /** The platform folder of the resources, or null where no library is built for this platform. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            return "linux-x86_64";
        }
        return null;
    }

    private static Result loadOnce(LibraryKind kind) {
        try {
            String dir = System.getProperty(DIR_PROPERTY);
            if (dir != null && !dir.isBlank()) {
                return loadFromDirectory(kind, Path.of(dir));
            }
            String platform = platform();
            if (platform == null) {
                return Result.failed("no native libraries for " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch") + " (built for linux-x86_64 only)");
            }
            String resource = resource(kind, platform);
            ClassLoader loader = NativeLibraryLoader.class.getClassLoader();
            if (loader.getResource(resource) == null) {
                return Result.failed(whyMissing(kind, platform, r -> loader.getResource(r) != null));
            }
            Path path = extractResource(kind, loader, resource);
            Result r = bind(kind, path, WHERE_ELSE);
            if (!r.loaded() && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                // removed between extraction and load by another version's clean-up of a copy it took for stale:
                // written again, once (a failure cached here would leave this JVM without the library)
                r = bind(kind, extract(kind, readResource(loader, resource)), WHERE_ELSE);
            }
            return r;
        } catch (IOException e) {
            return Result.failed("could not extract " + kind.fileName() + ": " + describe(e) + WHERE_ELSE);
        } catch (UncheckedIOException e) {
            return Result.failed("could not extract " + kind.fileName() + ": " + describe(e.getCause()) + WHERE_ELSE);
        } catch (RuntimeException | LinkageError e) {
            return Result.failed("could not load " + kind.fileName() + ": " + e);
        }
    }

    /** What a user can do where the temporary directory will not take or run the libraries. */
    static final String WHERE_ELSE = " (a temporary directory that is missing, read-only or mounted noexec? give "
            + "-Djava.io.tmpdir=DIR, or -D" + DIR_PROPERTY + "=DIR with the libraries in it)";

    /** An I/O failure with its reason: a missing directory's exception carries only the path. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException f) {
            return f.getFile() + " does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /** Loads {@code kind} from a directory (no caching, no extraction). Never throws. */
    static Result loadFromDirectory(LibraryKind kind, Path dir) {
        Path path = dir.toAbsolutePath().resolve(kind.fileName());
        if (!Files.isRegularFile(path)) {
            return Result.failed(kind.fileName() + " not found in " + dir + " (" + DIR_PROPERTY + ")");
        }
        try {
            return bind(kind, path, "");
        } catch (RuntimeException | LinkageError e) {
            return Result.failed("could not load " + path + ": " + e);
        }
    }

    /** Loads and checks the library at {@code path}; {@code hint} follows a failure of the system loader itself. */
    private static Result bind(LibraryKind kind, Path path, String hint) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            return Result.failed(kind.fileName() + " did not load from " + path + ": " + e.getMessage() + hint);
        }
        EquiriskH api;
        try {
            api = new EquiriskH(lookup);
        } catch (java.util.NoSuchElementException e) {
            return Result.failed(kind.fileName() + " at " + path + " is not an equirisk library: " + e.getMessage());
        }
        int version = api.er_abi_version();
        if (version != EquiriskH.ER_ABI_VERSION) {
            return Result.failed(kind.fileName() + " at " + path + " has ABI version " + version + ", these bindings need "
                    + EquiriskH.ER_ABI_VERSION);
        }
        String reported = api.er_library_kind();
        if (!reported.equals(kind.abiName())) {
            return Result.failed(kind.fileName() + " at " + path + " reports kind '" + reported + "', expected '"
                    + kind.abiName() + "'");
        }
        return new Result(new NativeLibrary(kind, path, api), "loaded from " + path);
    }

    /**
     * The identity of a library image: its size and CRC-32, which a jar's directory lists for every entry, so that a
     * copy extracted before is found without inflating the resource (~0.2 s for the CUDA library's 18 MB in a fresh
     * JVM) or hashing it twice with SHA-256 (another ~0.2 s). Two builds of the same size whose CRCs collide (a chance
     * of 2⁻³²) would share a name; the loaded library's ABI version and kind are checked all the same.
     */
    record Image(long size, long crc) {
        static Image of(byte[] bytes) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            return new Image(bytes.length, crc.getValue());
        }

        String fileName(String stem) {
            return stem + "-" + HexFormat.of().toHexDigits((int) crc) + "-" + size + ".so";
        }

        /** Whether the file at {@code path}, of this image's size, has its CRC-32 (read in 1 MiB blocks). */
        boolean isAt(Path path) throws IOException {
            CRC32 crc32 = new CRC32();
            byte[] block = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(path)) {
                for (int k; (k = in.read(block)) > 0; ) {
                    crc32.update(block, 0, k);
                }
            }
            return crc32.getValue() == crc;
        }
    }

    /** How many times a library resource was read whole (lets tests prove that a reuse reads none). */
    static final java.util.concurrent.atomic.AtomicLong RESOURCE_READS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The library resource extracted: the copy already in the private folder when the jar's directory names its
     * image and the copy holds it, else the resource read and {@linkplain #extract written}.
     */
    static Path extractResource(LibraryKind kind, ClassLoader loader, String resource) throws IOException {
        Image listed = listedImage(loader, resource);
        if (listed != null) {
            Path target = target(kind, listed);
            if (reusable(target, listed)) {
                return target;
            }
        }
        return extract(kind, readResource(loader, resource));
    }

    /** The resource's size and CRC-32 from its jar's directory, or null (not in a jar, or not listed there). */
    static Image listedImage(ClassLoader loader, String resource) {
        java.net.URL url = loader.getResource(resource);
        if (url == null || !"jar".equals(url.getProtocol())) {
            return null;
        }
        try {
            if (!(url.openConnection() instanceof java.net.JarURLConnection connection)) {
                return null;
            }
            connection.setUseCaches(false); // a JarFile of our own, closed here
            try (java.util.jar.JarFile jar = connection.getJarFile()) {
                java.util.jar.JarEntry entry = jar.getJarEntry(connection.getEntryName());
                return entry == null || entry.getSize() < 0 || entry.getCrc() < 0 ? null
                        : new Image(entry.getSize(), entry.getCrc());
            }
        } catch (IOException | RuntimeException e) {
            return null; // read and extracted the long way
        }
    }

    static byte[] readResource(ClassLoader loader, String resource) throws IOException {
        RESOURCE_READS.incrementAndGet();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new java.nio.file.NoSuchFileException(resource);
            }
            return in.readAllBytes();
        }
    }

    /** Writes the library under a name carrying its size and CRC-32 in the user's private temp folder, or reuses it. */
    static Path extract(LibraryKind kind, byte[] bytes) throws IOException {
        Image image = Image.of(bytes);
        Path target = target(kind, image);
        if (reusable(target, image)) {
            return target;
        }
        Path tmp = Files.createTempFile(target.getParent(), stem(kind) + "-", ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private static String stem(LibraryKind kind) {
        return kind.fileName().substring(0, kind.fileName().length() - ".so".length());
    }

    /** Where {@code image} of {@code kind} goes in the private folder; other versions' stale files are removed. */
    private static Path target(LibraryKind kind, Image image) throws IOException {
        Path dir = privateDirectory();
        Path target = dir.resolve(image.fileName(stem(kind)));
        removeStale(dir, stem(kind), target);
        return target;
    }

    /** Whether {@code target} holds {@code image}; a copy that does is renewed first, then checked. */
    private static boolean reusable(Path target, Image image) throws IOException {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || Files.size(target) != image.size()) {
            return false;
        }
        // renewed before it is checked and loaded: another version's JVM takes a copy last written over an hour ago
        // for stale, and deleted one this JVM had checked before it could load it
        try {
            Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        } catch (IOException ignored) {
            return false; // gone already: written again
        }
        try {
            return image.isAt(target);
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    /** Files older than this that are not the library being loaded go: another version's, or a killed write's. */
    static final java.time.Duration STALE = java.time.Duration.ofHours(1);

    /**
     * Deletes {@code stem}'s other files in {@code dir} last written over {@link #STALE} ago. Safe while another
     * process runs one (its mapping stays; on Linux a file is freed when its last user closes it); a process that
     * extracted or reused its own within the hour finds it in place ({@link #extract} renews a file it reuses, and a
     * load that finds its file gone extracts it again). Best effort: a file that will not go stays.
     */
    static void removeStale(Path dir, String stem, Path keep) {
        java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(STALE));
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, stem + "-*")) {
            for (Path f : files) {
                try {
                    if (!f.equals(keep) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) < 0) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException ignored) {
                    // another JVM removed it first, or it is not ours to remove
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException ignored) {
            // a listing that fails leaves the files: only disk space is at stake
        }
    }

    /**
     * This process's numeric user id: the owner of a file it has just created in {@code root} (Java has no call for
     * it; the user's name is no substitute, "?" for every user without a passwd entry), or -1 without POSIX files.
     */
    static int userId(Path root) throws IOException {
        if (!root.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return -1;
        }
        Path probe = Files.createTempFile(root, "equirisk-", ".uid");
        try {
            return (Integer) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /**
     * {@code ${java.io.tmpdir}/equirisk-<uid>}, created owner-only; refused if another user owns it or it is a link,
     * and made owner-only again if its permissions were widened.
     */
    static Path privateDirectory() throws IOException {
        Path root = Path.of(System.getProperty("java.io.tmpdir"));
        int uid = userId(root);
        String user = uid >= 0 ? Integer.toString(uid)
                : System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = root.resolve("equirisk-" + user);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException raced) {
                // another JVM created it at the same moment: checked below like any existing folder
            }
        }
        if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (or is a symbolic link)");
        }
        if (uid >= 0) {
            int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != uid) {
                throw new IOException(dir + " belongs to user id " + owner + ", not " + uid
                        + "; refusing to load native code from it");
            }
        }
        if (posix) { /* someone widened it (chmod 777): another user could swap a library between check and load */
            var only = PosixFilePermissions.fromString("rwx------");
            if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(only)) {
                Files.setPosixFilePermissions(dir, only);
            }
        }
        return dir;
    }
}
