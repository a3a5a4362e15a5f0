/**
 * A static reader of PMML 4.x classification models (Data Mining Group, <a href="https://dmg.org/pmml/v4-4-1/">PMML
 * 4.4</a>): {@code TreeModel}, {@code MiningModel} ensembles (averaged or voted forests, boosted model chains) and
 * {@code RegressionModel}, read into mlsec's white-box {@code ForestModel}, {@code BoostedModel} and {@code
 * LogisticModel} where the file's semantics map onto them exactly, and refused with a message naming the element
 * otherwise. The XML is parsed by a hardened StAX reader ({@link org.mlsec.model.formats.pmml.PmmlXml}): no DTD, no
 * entity, no external resource, and bounded depth, element count, attribute and text lengths.
 */
package org.mlsec.model.formats.pmml;
