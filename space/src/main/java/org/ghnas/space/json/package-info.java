/**
 * The spec JSON exchange format: strict reading with one-line errors, and writing.
 */
package org.ghnas.space.json;
