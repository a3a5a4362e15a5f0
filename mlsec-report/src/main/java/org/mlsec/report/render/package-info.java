/**
 * An audit as files: report.json, report.sarif (SARIF 2.1.0) and one self-contained report.html whose charts
 * XChart draws as SVG from the audit's {@link org.mlsec.report.ChartData}; the command line's SVG files too. A module
 * of its own (mlsec-report) because XChart brings AWT drawing and PDF libraries that the audit itself does not need.
 */
package org.mlsec.report.render;
