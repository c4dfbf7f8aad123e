/** Seeded restorable random generators, JSON mappers and jnas's exceptions. */
package dev.jnas.util;
