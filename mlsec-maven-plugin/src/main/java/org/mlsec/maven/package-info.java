/**
 * mlsec in a Maven build: the {@code scan}, {@code verify}, {@code canary} and {@code audit} goals (bound to the
 * verify phase) run the library's checks on the project's model files and fail the build when a check fails,
 * writing their reports under {@code target/mlsec}; {@code AbstractMlsecMojo} holds what the goals share, and the
 * goals only map their parameters to the library and its results to build failures.
 */
package org.mlsec.maven;
