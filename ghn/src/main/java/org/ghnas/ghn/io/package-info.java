/**
 * The one binary file format of the GHN module: named float32 tensors behind a JSON header, SHA-256 checked.
 *
 * @see org.ghnas.ghn.io.TensorArchive
 */
package org.ghnas.ghn.io;
