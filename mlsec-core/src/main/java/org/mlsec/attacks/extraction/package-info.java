/** Extraction (model stealing) through a prediction API: learning-based, equation-solving and grid-sweep attacks. */
package org.mlsec.attacks.extraction;
