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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds, extracts and loads the native libraries, once per JVM and kind.
 *
 * <p>The libraries travel as resources {@code io/equirisk/native/linux-x86_64/libequirisk_{cuda,emu}.so} of the
 * equirisk-kernels jar. A library is written to {@code ${java.io.tmpdir}/equirisk-<user>/} (a directory only its owner
 * may use) under a name carrying the SHA-256 of its content, by writing a temporary file and moving it atomically,
 * so concurrent JVMs never see half a file and a rebuilt library never reuses a stale one; an existing file with
 * the right content is reused. It is then loaded by path with {@link SymbolLookup#libraryLookup(Path, Arena)}.
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
            String resource = RESOURCE_ROOT + platform + "/" + kind.fileName();
            byte[] bytes;
            try (InputStream in = NativeLibraryLoader.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    return Result.failed(kind.fileName() + " not built (" + kind.whyUsuallyMissing() + ")");
                }
                bytes = in.readAllBytes();
            }
            Path path = extract(kind, bytes);
            return bind(kind, path);
        } catch (IOException | UncheckedIOException e) {
            return Result.failed("could not extract " + kind.fileName() + ": " + e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Result.failed("could not load " + kind.fileName() + ": " + e);
        }
    }

    /** Loads {@code kind} from a directory (no caching, no extraction). Never throws. */
    static Result loadFromDirectory(LibraryKind kind, Path dir) {
        Path path = dir.toAbsolutePath().resolve(kind.fileName());
        if (!Files.isRegularFile(path)) {
            return Result.failed(kind.fileName() + " not found in " + dir + " (" + DIR_PROPERTY + ")");
        }
        try {
            return bind(kind, path);
        } catch (RuntimeException | LinkageError e) {
            return Result.failed("could not load " + path + ": " + e);
        }
    }

    private static Result bind(LibraryKind kind, Path path) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            return Result.failed(kind.fileName() + " did not load from " + path + ": " + e.getMessage());
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

    /** Writes the library under a content-hashed name in the user's private temp folder, or reuses it. */
    static Path extract(LibraryKind kind, byte[] bytes) throws IOException {
        String hash = sha256(bytes);
        Path dir = privateDirectory();
        String stem = kind.fileName().substring(0, kind.fileName().length() - ".so".length());
        Path target = dir.resolve(stem + "-" + hash.substring(0, 24) + ".so");
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == bytes.length
                && sha256(Files.readAllBytes(target)).equals(hash)) {
            return target;
        }
        Path tmp = Files.createTempFile(dir, stem + "-", ".tmp");
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

    /** {@code ${java.io.tmpdir}/equirisk-<user>}, created owner-only; refused if someone else owns it or it is a link. */
    static Path privateDirectory() throws IOException {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "equirisk-" + user);
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
        if (posix) {
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            String me = System.getProperty("user.name");
            if (me != null && !owner.equals(me)) {
                throw new IOException(dir + " belongs to " + owner + ", not " + me
                        + "; refusing to load native code from it");
            }
        }
        return dir;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
