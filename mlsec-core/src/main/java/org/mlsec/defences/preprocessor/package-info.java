/** Defences before the model: input validation against a schema learned from trusted data. */
package org.mlsec.defences.preprocessor;
