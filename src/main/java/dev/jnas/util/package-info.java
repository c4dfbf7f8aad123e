/**
 * Seeded restorable random generators, JSON mappers, jnas's exceptions, and the plumbing of
 * plugins: parameter binding ({@link dev.jnas.util.Params}), ServiceLoader registries and loading
 * a class a config names.
 */
package dev.jnas.util;
