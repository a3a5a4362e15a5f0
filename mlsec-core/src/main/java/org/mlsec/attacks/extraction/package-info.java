/**
 * Extraction (model stealing) through a prediction API: learning-based, equation-solving, grid-sweep and label-only
 * path-finding attacks.
 */
package org.mlsec.attacks.extraction;
