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

    /** Digests of every regular file of the model, except ignored paths (relative, component-wise prefixes). */
    public static Map<String, byte[]> of(Path model, Collection<String> ignore) {
        Map<String, byte[]> out = new TreeMap<>(BY_COMPONENTS);
        if (!Files.exists(model, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException("no such model path: " + model);
        }
        if (Files.isSymbolicLink(model)) {
            throw new InputException(model + " is a symbolic link; signing follows no links");
        }
        if (Files.isRegularFile(model)) {
            out.put(".", sha256(model));
            return out;
        }
        try (Stream<Path> walk = Files.walk(model)) {
            List<Path> paths = new ArrayList<>();
            walk.forEach(paths::add);
            for (Path p : paths) {
                if (p.equals(model)) {
                    continue;
                }
                String name = model.relativize(p).toString().replace('\\', '/');
                if (ignored(name, ignore)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    throw new InputException(p + " is a symbolic link; model signing allows none");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(name, sha256(p));
                } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InputException(p + " is neither a file nor a folder");
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

    /** Digests of exactly the named files (verification with unsigned files tolerated). */
    public static Map<String, byte[]> ofNames(Path model, Set<String> names) {
        Map<String, byte[]> out = new TreeMap<>(BY_COMPONENTS);
        for (String n : names) {
            Path p = ".".equals(n) ? model : model.resolve(n);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                out.put(n, sha256(p));
            }
        }
        return out;
    }

    static boolean ignored(String name, Collection<String> ignore) {
        for (String i : ignore) {
            if (name.equals(i) || name.startsWith(i + "/")) {
                return true;
            }
        }
        return false;
    }

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

    /** SHA-256 over the raw digests in the given order: the statement's subject digest. */
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
