/**
 * Inference attacks: membership inference (threshold, shadow models, LiRA, RMIA, label-only) and, as it arrives,
 * attribute inference. One verb: {@link org.mlsec.attacks.inference.MembershipInference#infer}.
 */
package org.mlsec.attacks.inference;
