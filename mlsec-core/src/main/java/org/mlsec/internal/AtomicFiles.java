package org.mlsec.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.mlsec.InputException;
import org.mlsec.MlsecException;

/**
 * Writes output files so that no reader ever sees half a file and nothing the user did not mean to lose is lost:
 * the content goes to a fresh, uniquely named temporary file in the target's folder (created with its final
 * permissions, so a private key is never readable by others, not even for a moment), which is then renamed over
 * the target in one step. A target that is not a regular file (a FIFO, a device, a folder) is never replaced, an
 * existing file only when the caller allows it, and the temporary file never outlives a failure.
 */
public final class AtomicFiles {
    /** Owner read and write only, for secrets. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    /** Writes the content of an output file. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFiles() {
    }

    /** {@link #write(Path, Body, boolean, Set)} replacing an existing regular file, with default permissions. */
    public static void write(Path target, Body body) {
        write(target, body, true, null);
    }

    /**
     * Writes {@code target} atomically.
     *
     * @param overwrite   whether an existing regular file may be replaced (when false, an existing file is an
     *                    {@link InputException}, also when it appears while writing)
     * @param permissions the file's POSIX permissions from its creation on, or null for the default
     */
    public static void write(Path target, Body body, boolean overwrite, Set<PosixFilePermission> permissions) {
        Validate.notNull(target, "target");
        Validate.notNull(body, "body");
        refuseSpecial(target);
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException(target + " exists; not overwritten");
        }
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            Path fresh = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try (OutputStream out = java.nio.channels.Channels.newOutputStream(Files.newByteChannel(fresh,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes(dir, permissions)))) {
                tmp = fresh;
                body.write(out);
            }
            if (overwrite) {
                refuseSpecial(target);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.createLink(abs, tmp);
                Files.delete(tmp);
            }
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            throw new InputException(target + " exists; not overwritten");
        } catch (IOException e) {
            throw new MlsecException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is what the caller needs to see
                }
            }
        }
    }

    /**
     * Refuses an output path that names one of the inputs (the same file, through any path or link), so a
     * command never destroys what it reads.
     *
     * @param what the option or parameter the output came from, for the message
     */
    public static void refuseInput(Path out, String what, Path... inputs) {
        if (out == null) {
            return;
        }
        for (Path in : inputs) {
            if (in != null && same(out, in)) {
                throw new InputException(what + " " + out + " is also an input (" + in + "); refusing to overwrite it");
            }
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // fall back to comparing the paths
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static void refuseSpecial(Path target) {
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new InputException(target + " exists and is not a regular file (a folder, FIFO or device);"
                    + " not replaced");
        }
        if (Files.isSymbolicLink(target)) {
            throw new InputException(target + " is a symbolic link; not replaced");
        }
    }

    private static FileAttribute<?>[] attributes(Path dir, Set<PosixFilePermission> permissions) {
        if (permissions == null) {
            return new FileAttribute<?>[0];
        }
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            throw new MlsecException("cannot create " + dir + " files with restricted permissions on this file system");
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    }
}
