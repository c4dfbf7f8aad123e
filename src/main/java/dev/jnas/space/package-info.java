/**
 * Search spaces: decisions (some active only under conditions), immutable canonical
 * architectures, canonical strings and JSON. Spaces are found with {@link java.util.ServiceLoader}
 * ({@link dev.jnas.space.SearchSpaceProvider}) or named by class ({@link
 * dev.jnas.space.SearchSpaces}); {@link dev.jnas.space.DeclarativeSpace} is a space written in the
 * config. Engine-free.
 */
package dev.jnas.space;
