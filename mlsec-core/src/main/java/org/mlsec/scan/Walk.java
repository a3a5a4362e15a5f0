package org.mlsec.scan;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * A folder walk that cannot be steered out of the folder or into a hang: symbolic links are followed while their
 * target stays under the folder's real path, and reported (not read) when it leaves; link loops are reported;
 * FIFOs, devices and sockets are reported, never opened.
 */
final class Walk {
    private Walk() {
    }

    static void folder(Path root, ScanReport report) {
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            report.errors.add(new ScanReport.Note(ScanReport.UNREADABLE, "cannot resolve " + root + ": "
                    + Budget.describe(e), root.toString()));
            return;
        }
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return inside(dir, real, report) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (inside(file, real, report)) {
                                files.add(file);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            report.skipped.add(new ScanReport.Note(e instanceof FileSystemLoopException
                                    ? ScanReport.OUTSIDE_ROOT : ScanReport.UNREADABLE, e instanceof FileSystemLoopException
                                    ? "a symbolic link loop" : "cannot read: " + Budget.describe(e), file.toString()));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            report.errors.add(new ScanReport.Note(ScanReport.UNREADABLE, "cannot list " + root + ": "
                    + Budget.describe(e), root.toString()));
        }
        files.sort(null);
        for (Path f : files) {
            ModelScanner.scanFile(f, report, false);
        }
    }

    private static boolean inside(Path p, Path realRoot, ScanReport report) {
        if (!Files.isSymbolicLink(p)) {
            return true;
        }
        try {
            Path target = p.toRealPath();
            if (target.startsWith(realRoot)) {
                return true;
            }
            report.skipped.add(new ScanReport.Note(ScanReport.OUTSIDE_ROOT, "a symbolic link to " + target
                    + ", outside the scanned folder: not followed", p.toString()));
        } catch (IOException e) {
            report.skipped.add(new ScanReport.Note(ScanReport.UNREADABLE, "a broken symbolic link", p.toString()));
        }
        return false;
    }

    private static final java.util.Set<String> TEXT = java.util.Set.of("md", "txt", "rst", "json", "yaml", "yml",
            "toml", "cfg", "ini", "csv", "tsv", "py", "sh", "html", "gitattributes", "gitignore", "license", "notice",
            "readme", "sig", "pem");

    /**
     * A file in a folder that is plainly documentation, not a model: a text extension (or none, as LICENSE) and text
     * content. Anything else that mlsec does not understand is a gap in the scan.
     */
    static boolean plainlyNotAModel(String name, byte[] head) {
        String n = name.toLowerCase(Locale.ROOT);
        String ext = n.contains(".") ? n.substring(n.lastIndexOf('.') + 1) : n;
        if (!TEXT.contains(ext)) {
            return false;
        }
        for (byte b : head) {
            if (b == 0 || (b & 0xff) == 0x80) {
                return false;
            }
        }
        return true;
    }
}
