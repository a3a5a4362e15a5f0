/** Defences, one package per kind (integrity of model artifacts, and as they arrive: detectors, trainers, pre/post-processors). */
package org.mlsec.defences;
