/** Linear models: L2-regularised logistic regression fitted exactly by Newton's method. */
package org.mlsec.model.linear;
