package org.mlsec.maven;

import java.io.File;
import java.util.List;

/** One signed model for {@code mlsec:verify}: {@code <model><path>..</path><signature>..</signature></model>}. */
public class Model {
    /** The model file or folder. */
    File path;
    /** Its Sigstore bundle; default: the model's path with {@code .sig} appended. */
    File signature;
    /** The signer's public key (PEM); default: the goal's {@code publicKey}. */
    File publicKey;
    /** Files or folders inside the model that were not signed. */
    List<String> ignorePaths;
    /** Accept files that are not in the signature. */
    boolean ignoreUnsignedFiles;

    public void setPath(File path) {
        this.path = path;
    }

    public void setSignature(File signature) {
        this.signature = signature;
    }

    public void setPublicKey(File publicKey) {
        this.publicKey = publicKey;
    }

    public void setIgnorePaths(List<String> ignorePaths) {
        this.ignorePaths = ignorePaths;
    }

    public void setIgnoreUnsignedFiles(boolean ignoreUnsignedFiles) {
        this.ignoreUnsignedFiles = ignoreUnsignedFiles;
    }
}
