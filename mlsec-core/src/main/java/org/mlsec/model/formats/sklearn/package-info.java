/**
 * A static reader of scikit-learn pickles and joblib files: {@link org.mlsec.model.formats.sklearn.PickleMachine}
 * interprets the pickle opcodes symbolically into an inert object graph ({@link
 * org.mlsec.model.formats.sklearn.Py}) under an allow-list of globals, {@link
 * org.mlsec.model.formats.sklearn.Numpy} decodes numpy arrays from it, {@link
 * org.mlsec.model.formats.sklearn.SklearnModels} maps estimators and pipelines onto mlsec's white-box models, and
 * {@link org.mlsec.model.formats.sklearn.PickleTamper} reproduces the talk's supply-chain attack on such a file.
 * Nothing here imports, loads, reflects on or runs anything a file names.
 */
package org.mlsec.model.formats.sklearn;
