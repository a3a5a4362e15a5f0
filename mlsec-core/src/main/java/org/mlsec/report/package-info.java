/**
 * The audit: every threat's checks turned into {@link org.mlsec.report.Finding}s mapped to MITRE ATLAS and OWASP
 * ({@link org.mlsec.report.Audit}, {@link org.mlsec.report.Threat}), with the figures of the report's charts as
 * {@link org.mlsec.report.ChartData}. Drawing the charts and writing report.json, report.sarif and report.html is
 * the mlsec-report module's ({@code org.mlsec.report.render}), so that this module needs no charting library.
 */
package org.mlsec.report;
