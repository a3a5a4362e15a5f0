/** Integrity of model artifacts: canaries ("model unit tests") and signatures. */
package org.mlsec.defences.integrity;
