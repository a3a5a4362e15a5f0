/** Poisoning attacks on training data: backdoor triggers and (as it arrives) targeted label and feature edits. */
package org.mlsec.attacks.poisoning;
