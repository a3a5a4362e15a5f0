/** Models behind a URL: an HTTP JSON scoring API as a black-box {@link org.mlsec.model.Classifier}. */
package org.mlsec.model.remote;
