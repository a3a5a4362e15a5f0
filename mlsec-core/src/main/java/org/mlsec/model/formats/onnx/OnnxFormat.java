package org.mlsec.model.formats.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import org.mlsec.InputException;
import org.mlsec.model.LocalModel;
import org.mlsec.model.formats.ModelFormat;
import org.mlsec.model.formats.NotWhiteBoxException;

/**
 * ONNX files (a protobuf {@code ModelProto}, IR versions 3 to 12) holding ONNX-ML tree ensembles or linear
 * classifiers, read white-box without running them. The file is parsed with protobuf-java (its recursion limit of
 * 100 nested messages stays on, the size limit is the file's length) and then read operator by operator as ONNX
 * Runtime 1.30 computes it (onnxruntime/core/providers/cpu/ml/tree_ensemble_*.h, linearclassifier.cc, scaler.cc,
 * normalizer.cc; operator definitions in onnx/defs/traditionalml). A graph that is valid ONNX but holds anything
 * else ({@link GraphWalk} says exactly what is read) raises {@link NotWhiteBoxException}, for ONNX Runtime to run
 * as a black box; a malformed file raises {@link InputException}.
 */
public final class OnnxFormat implements ModelFormat {
    /** Largest file parsed white-box (a larger one, a network with big weights say, is left to ONNX Runtime). */
    static final int MAX_BYTES = 256 << 20;
    static final int MAX_GRAPH_NODES = 1_000;
    static final int MAX_FEATURES = 1_000_000;
    static final int MAX_CLASSES = 10_000;
    /** Nodes of mlsec trees the translation may produce (copies for BRANCH_EQ included). */
    static final long MAX_TREE_NODES = 5_000_000;
    /**
     * Nodes the translation may produce per node of the file, beyond {@link #MIN_TREE_NODES}: copying subtrees
     * (BRANCH_EQ, shared references) lets a 21 KB file of a thousand nodes ask for the whole 5,000,000-node budget,
     * 400 MB and seconds of work (found by fuzzing).
     */
    static final long TREE_NODES_PER_FILE_NODE = 64;
    /** Nodes any file may expand to whatever its size. */
    static final long MIN_TREE_NODES = 1 << 16;

    /** The node budget of a file with {@code fileNodes} nodes (interior and leaves). */
    static long treeNodeBudget(long fileNodes) {
        return Math.min(MAX_TREE_NODES, Math.max(MIN_TREE_NODES, TREE_NODES_PER_FILE_NODE * fileNodes));
    }

    @Override
    public String name() {
        return "ONNX";
    }

    /**
     * A ModelProto starts with its ir_version (field 1, varint) and continues with known top-level fields up to
     * the graph (field 7); the first bytes must parse as exactly that.
     */
    @Override
    public boolean recognises(byte[] head) {
        if (head.length < 4 || head[0] != 0x08) {
            return false;
        }
        int[] pos = {1};
        long ir = varint(head, pos);
        if (ir < 1 || ir > 100) {
            return false;
        }
        while (pos[0] < head.length) {
            long tag = varint(head, pos);
            if (tag < 0) {
                return head.length >= 4096;
            }
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            boolean varintField = field == 1 || field == 5;
            boolean bytesField = field == 2 || field == 3 || field == 4 || field == 6 || field == 7 || field == 8
                    || field == 14 || field == 20 || field == 25;
            if (varintField && wire == 0) {
                if (varint(head, pos) < 0) {
                    return head.length >= 4096;
                }
            } else if (bytesField && wire == 2) {
                if (field == 7) {
                    return true;
                }
                long len = varint(head, pos);
                if (len < 0) {
                    return head.length >= 4096;
                }
                pos[0] += (int) Math.min(len, Integer.MAX_VALUE - pos[0]);
            } else {
                return false;
            }
        }
        return head.length >= 4096;
    }

    /** A varint at pos (advanced), or -1 when the bytes end first or it is over 10 bytes. */
    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                return -1;
            }
            int c = b[pos[0]++] & 0xff;
            v |= (long) (c & 0x7f) << shift;
            if (c < 0x80) {
                return v < 0 ? -1 : v;
            }
        }
        return -1;
    }

    @Override
    public LocalModel read(Path file, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new NotWhiteBoxException("ONNX", file + " is " + bytes.length + " bytes; the white-box ONNX reader"
                    + " parses at most " + MAX_BYTES);
        }
        ModelProto m;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(bytes.length);
            m = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new InputException(file + " is not a valid ONNX model: the protobuf is truncated or corrupt ("
                    + e.getMessage() + ")");
        } catch (IOException | RuntimeException e) {
            throw new InputException(file + " is not a valid ONNX model: " + e, e);
        }
        try {
            if (m.getIrVersion() < 3 || m.getIrVersion() > 12) {
                throw new InputException("ONNX IR version " + m.getIrVersion() + " is not one ONNX Runtime 1.30 reads"
                        + " (3 to 12)");
            }
            return new Mapper(new GraphWalk(m), file, bytes).model();
        } catch (NotWhiteBoxException e) {
            throw new NotWhiteBoxException("ONNX", file + ": not readable white-box: " + e.getMessage());
        } catch (InputException e) {
            throw new InputException(file + ": " + e.getMessage());
        } catch (StackOverflowError e) {
            throw new InputException(file + ": the ONNX graph nests too deeply to read");
        } catch (RuntimeException e) { // a check the reader lacks: the cause says which
            throw new InputException(file + ": malformed ONNX model (" + e + ")", e);
        }
    }
}
