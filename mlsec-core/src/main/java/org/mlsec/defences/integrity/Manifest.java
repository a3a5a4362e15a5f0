package org.mlsec.defences.integrity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.mlsec.InputException;

/**
 * The files of a model and their SHA-256 digests, named as OpenSSF model signing names them: a single file is
 * {@code "."}, files in a folder by their relative POSIX path, sorted by path components. Files are hashed
 * streaming, so a model of any size is read in bounded memory.
 */
public final class Manifest {
    /** Always ignored inside a model folder, as the reference tool does. */
    public static final List<String> GIT_PATHS = List.of(".git", ".gitattributes", ".github", ".gitignore");

    static final Comparator<String> BY_COMPONENTS = (a, b) -> {
        String[] x = a.split("/");
        String[] y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    };

    private Manifest() {
    }

    /**
     * The model cannot be hashed as model signing requires (a symbolic link, a special file, a name that is not
     * UTF-8): a bad input when signing, a failed check when verifying.
     */
    public static final class UnsignableException extends InputException {
        private static final long serialVersionUID = 1L;

        UnsignableException(String message) {
            super(message);
        }
    }

    /**
     * Why a manifest name is refused, or null when it is a plain relative POSIX path: empty, absolute, {@code .}
     * or {@code ..} components (other than the single-file name {@code "."}), backslashes or NUL. A manifest name is
     * JSON text, so it is valid Unicode; U+FFFD in it is a genuine character, resolved to its exact UTF-8 bytes.
     *
     * @param name a path from a manifest
     * @return the reason, or null
     */
    public static String unsafeName(String name) {
        if (".".equals(name)) {
            return null;
        }
        if (name.isEmpty() || name.startsWith("/")) {
            return "is not a relative path";
        }
        if (name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            return "has a backslash or NUL in its name";
        }
        for (String c : name.split("/", -1)) {
            if (c.isEmpty() || ".".equals(c) || "..".equals(c)) {
                return "has an empty, '.' or '..' component";
            }
        }
        return null;
    }

    /**
     * The name with control and other invisible format characters shown as {@code \\uXXXX}, safe to print.
     *
     * @param name a path from a manifest
     * @return the printable name
     */
    public static String escaped(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            int t = Character.getType(c);
            if (c == '\\' || Character.isISOControl(c) || t == Character.FORMAT || t == Character.LINE_SEPARATOR
                    || t == Character.PARAGRAPH_SEPARATOR) {
                b.append(c == '\\' ? "\\\\" : String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Digests of every regular file of the model, except ignored paths (relative, component-wise prefixes).
     *
     * @param model the model file or folder
     * @param ignore paths relative to the model folder to leave out
     * @return relative POSIX name to SHA-256, sorted component by component
     */
    public static Map<String, byte[]> of(Path model, Collection<String> ignore) {
        Map<String, byte[]> out = new TreeMap<>(BY_COMPONENTS);
        if (!Files.exists(model, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException("no such model path: " + model);
        }
        if (Files.isSymbolicLink(model)) {
            throw new UnsignableException(escaped(model.toString()) + " is a symbolic link; signing follows no links");
        }
        if (Files.isRegularFile(model)) {
            out.put(".", sha256(model));
            return out;
        }
        try (Stream<Path> walk = Files.walk(model)) {
            List<Path> paths = new ArrayList<>();
            walk.forEach(paths::add);
            Map<String, Path> seen = new java.util.HashMap<>();
            for (Path p : paths) {
                if (p.equals(model)) {
                    continue;
                }
                String name = model.relativize(p).toString().replace('\\', '/');
                if (ignored(name, ignore)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    throw new UnsignableException(escaped(p.toString()) + " is a symbolic link; model signing allows none");
                }
                Path relative = model.relativize(p);
                // The name's exact bytes: a Path compares its file-system bytes, so the name re-encoded must give the
                // same Path. A name that is not UTF-8 (decoded with U+FFFD) fails; a genuine U+FFFD passes.
                if (!relative.equals(relative.getFileSystem().getPath(relative.toString()))) {
                    throw new UnsignableException(escaped(p.toString()) + ": the file name is not UTF-8 (or not in "
                            + "this JVM's file-name encoding, sun.jnu.encoding=" + System.getProperty("sun.jnu.encoding")
                            + "); model signing names files by UTF-8 text in a JSON manifest, so it cannot be signed or"
                            + " verified");
                }
                Path before = seen.putIfAbsent(name, relative);
                if (before != null) {
                    throw new UnsignableException(escaped(p.toString()) + ": its name collides with another file's, '"
                            + escaped(name) + "'; model signing needs every name to be distinct");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(name, sha256(p));
                } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new UnsignableException(escaped(p.toString()) + " is neither a file nor a folder");
                }
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + model + ": " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new InputException("cannot read " + model + ": " + e.getCause().getMessage());
        }
        if (out.isEmpty()) {
            throw new InputException(model + " has no files to sign");
        }
        return out;
    }

    /**
     * Digests of exactly the named files (verification with unsigned files tolerated). Every name must be
     * {@linkplain #unsafeName safe}, and no component on its way is followed if it is a symbolic link, so nothing
     * outside the model folder is read; a missing file is left out (the caller reports it).
     *
     * @param model the model folder
     * @param names the relative names to digest
     * @return relative POSIX name to SHA-256, sorted component by component
     */
    public static Map<String, byte[]> ofNames(Path model, Set<String> names) {
        Map<String, byte[]> out = new TreeMap<>(BY_COMPONENTS);
        if (Files.isSymbolicLink(model)) {
            throw new UnsignableException(escaped(model.toString()) + " is a symbolic link; signing follows no links");
        }
        for (String n : names) {
            String bad = unsafeName(n);
            if (bad != null) {
                throw new UnsignableException("signed name '" + escaped(n) + "' " + bad);
            }
            Path p = model;
            if (!".".equals(n)) {
                for (String c : n.split("/")) {
                    p = p.resolve(c);
                    if (Files.isSymbolicLink(p)) {
                        throw new UnsignableException(escaped(p.toString()) + " is a symbolic link; model signing allows none");
                    }
                }
            }
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                out.put(n, sha256(p));
            }
        }
        return out;
    }

    /**
     * SHA-256 of bytes in memory.
     *
     * @param content the bytes
     * @return the 32-byte digest
     */
    public static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean ignored(String name, Collection<String> ignore) {
        for (String i : ignore) {
            if (name.equals(i) || name.startsWith(i + "/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * SHA-256 of a file, read as a stream.
     *
     * @param file the file
     * @return the 32-byte digest
     */
    public static byte[] sha256(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
            return md.digest();
        } catch (NoSuchFileException e) {
            throw new InputException("no such file: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * SHA-256 over the raw digests in the given order: the statement's subject digest.
     *
     * @param digests the files' digests, in manifest order
     * @return the 32-byte digest
     */
    public static byte[] digestOfDigests(Collection<byte[]> digests) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            digests.forEach(md::update);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
