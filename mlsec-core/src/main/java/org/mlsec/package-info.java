/**
 * mlsec: attacks and defences for machine-learning models, with measurements.
 * The packages below hold data handling ({@code data}), models ({@code model}), metrics and internals.
 */
package org.mlsec;
