/** The mlsec command line (picocli): one command per verb, results on stdout and in --json files, progress on stderr. */
package org.mlsec.cli;
