/** Internal helpers; not part of the public API. */
package org.mlsec.internal;
