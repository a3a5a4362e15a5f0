/**
 * Detectors: backdoor triggers in training data and in trained models, poisoning and fairness shifts, and the
 * extraction detectors that watch a prediction API's clients ({@link org.mlsec.defences.detector.ExtractionMonitor},
 * shared by the guarded server, a proxy and the offline {@code defend extraction} study).
 */
package org.mlsec.defences.detector;
