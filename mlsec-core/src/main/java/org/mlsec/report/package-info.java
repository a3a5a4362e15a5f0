/** Reports: charts drawn by XChart as SVG, for the terminal's files and the HTML report. */
package org.mlsec.report;
