/** Defences on a model's outputs: rounding, label-only answers. */
package org.mlsec.defences.postprocessor;
