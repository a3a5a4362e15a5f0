/** Supply-chain attack: rewriting a saved model file so that it loads and runs but answers wrongly. */
package org.mlsec.attacks.tamper;
