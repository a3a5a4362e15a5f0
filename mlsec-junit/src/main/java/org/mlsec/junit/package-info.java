/**
 * mlsec's checks as JUnit 5 assertions for a team's own model tests: {@link org.mlsec.junit.MlsecAssertions} runs a
 * check through the library (a scan of model files, canaries, membership inference, fairness, evasion cost),
 * returns what it measured, writes it as JSON under the report folder and fails with what was measured against
 * which bound.
 */
package org.mlsec.junit;
