/** Detectors: backdoor triggers in training data and in trained models. */
package org.mlsec.defences.detector;
