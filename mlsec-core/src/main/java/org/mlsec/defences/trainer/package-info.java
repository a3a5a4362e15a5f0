/** Defences at training time: differentially private training. */
package org.mlsec.defences.trainer;
