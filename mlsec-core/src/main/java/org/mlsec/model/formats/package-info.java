/**
 * Readers of other libraries' model files into mlsec's white-box models: each {@link
 * org.mlsec.model.formats.ModelFormat} recognises its files by content and parses them without executing
 * anything. {@link org.mlsec.model.Models#load} is the one way in.
 */
package org.mlsec.model.formats;
