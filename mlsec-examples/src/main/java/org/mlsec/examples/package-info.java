/**
 * Short programs that use mlsec as a library, one per common task; the README's "Use from Java" section shows them
 * and this module's tests run them on generated data.
 */
package org.mlsec.examples;
