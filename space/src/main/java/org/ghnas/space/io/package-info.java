/**
 * Small file utilities shared by all modules (atomic writes).
 */
package org.ghnas.space.io;
