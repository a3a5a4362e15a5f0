package org.mlsec.model.formats.xgboost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mlsec.model.formats.xgboost.XgboostFixtures.fixture;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsec.model.Models;
import org.mlsec.model.formats.Sniff;
import org.mlsec.model.tree.BoostedModel;

/** Recognition by content, never by name; the format is registered in Models.load. */
class XgboostFormatTest {
    static final XgboostFormat FORMAT = new XgboostFormat();

    @TempDir
    Path dir;

    private static boolean recognises(String s) {
        return FORMAT.recognises(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recognisesXgboostDocumentsByTheirFirstBytes() throws IOException {
        assertTrue(FORMAT.recognises(Sniff.head(Files.readAllBytes(fixture("binary.json")))));
        assertTrue(FORMAT.recognises(Sniff.head(Files.readAllBytes(fixture("binary.ubj")))));
        assertTrue(recognises("\uFEFF \n {\n  \"learner\" : {"));
        assertTrue(recognises("{\"version\": [1, 7, 4], \"learner\": {\"attributes\": {}"));
        assertTrue(FORMAT.recognises(UbjsonTest.b("{", 'i', 7, "learner", "{")));
        assertFalse(recognises("{\"format\": \"mlsec-model\", \"learner\": {"));
        assertFalse(recognises("{\"learner\": 3}"));
        assertFalse(recognises("{\"version\": [1, 7, 4], \"trees\": []}"));
        assertFalse(recognises("[\"learner\"]"));
        assertFalse(FORMAT.recognises(UbjsonTest.b("{", 'i', 7, "learnex", "{")));
        assertFalse(FORMAT.recognises(UbjsonTest.b("{", 'i', 6, "learner")));
        assertFalse(FORMAT.recognises(new byte[0]));
        assertTrue(Models.formats().stream().anyMatch(f -> f instanceof XgboostFormat));
    }

    @Test
    void loadsCompressedAndReorderedDocuments() throws IOException {
        Path gz = dir.resolve("model.tar");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(fixture("binary.ubj")));
        }
        BoostedModel m = (BoostedModel) Models.load(gz);
        assertEquals(100, m.trees().size());
        ObjectNode root = XgboostBadFilesTest.binary();
        ObjectNode reordered = XgboostBadFilesTest.MAPPER.createObjectNode();
        reordered.set("version", root.get("version"));
        reordered.set("learner", root.get("learner"));
        Path f = Files.write(dir.resolve("reordered"), XgboostBadFilesTest.MAPPER.writeValueAsBytes(reordered));
        assertEquals(100, ((BoostedModel) Models.load(f)).trees().size());
        assertEquals("xgboost", m.provenance().tool());
        assertEquals("1.7.4", m.provenance().toolVersion());
        assertEquals(64, m.provenance().imported().sha256().length());
    }
}
