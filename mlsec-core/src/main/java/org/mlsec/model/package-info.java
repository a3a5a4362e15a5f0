/**
 * Models: the {@link org.mlsec.model.Classifier} abstraction every attack targets, local white-box models with
 * provenance, their trainers and their safe, versioned file format.
 */
package org.mlsec.model;
