package org.mlsec.model.formats.pmml;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.mlsec.InputException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.formats.ModelFormat;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * PMML 4.x (Predictive Model Markup Language, Data Mining Group; spec: https://dmg.org/pmml/v4-4-1/): an XML
 * document whose root is {@code <PMML version="4.x">}. Recognised by content (an XML prolog, then a {@code PMML}
 * root element); read statically by {@link PmmlXml} and {@link PmmlModels}: nothing the file names is fetched,
 * loaded or run. Any failure is an {@link InputException} naming the file and the element (with its line).
 */
public final class PmmlFormat implements ModelFormat {
    /** An XML prolog (declaration, comments, processing instructions, a DOCTYPE to refuse), then {@code <PMML}. */
    private static final Pattern ROOT = Pattern.compile(
            "\\A\\uFEFF?\\s*(<\\?[^>]*\\?>\\s*|<!--.*?-->\\s*|<!DOCTYPE[^>\\[]*(\\[.*?\\])?\\s*>\\s*)*<([A-Za-z_][\\w.-]*:)?PMML[\\s>/]",
            Pattern.DOTALL);

    @Override
    public String name() {
        return "PMML";
    }

    @Override
    public boolean recognises(byte[] head) {
        String s = new String(head, StandardCharsets.UTF_8);
        if (!s.contains("PMML")) {
            return false;
        }
        return ROOT.matcher(s).lookingAt() || (s.stripLeading().startsWith("<") && s.contains("<!DOCTYPE PMML"));
    }

    @Override
    public LocalModel read(Path file, byte[] bytes) {
        try {
            return PmmlModels.read(PmmlXml.parse(bytes), file, bytes);
        } catch (NotWhiteBoxException e) {
            throw new NotWhiteBoxException("PMML", file + ": " + e.getMessage());
        } catch (InputException e) {
            throw new InputException(file + ": " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new InputException(file + ": PMML nested too deeply to read");
        } catch (RuntimeException e) {
            throw new InputException(file + ": unreadable PMML (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }
}
