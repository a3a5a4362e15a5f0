/** Attacks, one package per family (tamper, and as they arrive: inference, poisoning, extraction, evasion). */
package org.mlsec.attacks;
