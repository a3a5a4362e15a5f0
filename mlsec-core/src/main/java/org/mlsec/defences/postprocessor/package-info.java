/**
 * Defences on a model's outputs: the one output hardening ({@link org.mlsec.defences.postprocessor.OutputHardening},
 * modes in {@link org.mlsec.defences.postprocessor.OutputMode}) used by the guarded server and, as a model wrapper
 * ({@link org.mlsec.defences.postprocessor.HardenedOutput}), by the offline defence studies.
 */
package org.mlsec.defences.postprocessor;
