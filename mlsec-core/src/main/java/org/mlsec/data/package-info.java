/**
 * Tabular data: CSV reading with schema inference and precise errors, schemas that travel with models,
 * seeded stratified splits, and the built-in synthetic "Layman Brothers" credit data.
 */
package org.mlsec.data;
