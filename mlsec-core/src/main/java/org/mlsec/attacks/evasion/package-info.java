/**
 * Evasion: the smallest feasible change to an input that changes a model's answer (adversarial examples), and its
 * benign twin, counterfactual explanations. Every method searches inside a {@link org.mlsec.attacks.evasion.Feasibility}
 * (immutable features, whole numbers, valid categories, ranges and domain rules) and measures change with its cost
 * model. White-box: exact leaf-region search for trees and small ensembles, coordinate search for large ensembles,
 * projected gradient for logistic regression, and a verified lower bound for tree ensembles. Black-box, labels only:
 * HopSkipJump and the boundary attack.
 */
package org.mlsec.attacks.evasion;
