package org.mlsec.maven;

import java.io.File;
import java.util.List;

/** One signed model for {@code mlsec:verify}: {@code <model><path>..</path><signature>..</signature></model>}. */
public class Model {
    /** Made by Maven from the plugin configuration. */
    public Model() {
    }

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

    /**
     * Set by Maven from {@code <path>}.
     *
     * @param path the model file or folder
     */
    public void setPath(File path) {
        this.path = path;
    }

    /**
     * Set by Maven from {@code <signature>}.
     *
     * @param signature its Sigstore bundle
     */
    public void setSignature(File signature) {
        this.signature = signature;
    }

    /**
     * Set by Maven from {@code <publicKey>}.
     *
     * @param publicKey the signer's public key (PEM)
     */
    public void setPublicKey(File publicKey) {
        this.publicKey = publicKey;
    }

    /**
     * Set by Maven from {@code <ignorePaths>}.
     *
     * @param ignorePaths files or folders inside the model that were not signed
     */
    public void setIgnorePaths(List<String> ignorePaths) {
        this.ignorePaths = ignorePaths;
    }

    /**
     * Set by Maven from {@code <ignoreUnsignedFiles>}.
     *
     * @param ignoreUnsignedFiles whether files that are not in the signature are accepted
     */
    public void setIgnoreUnsignedFiles(boolean ignoreUnsignedFiles) {
        this.ignoreUnsignedFiles = ignoreUnsignedFiles;
    }
}
