/**
 * Network morphisms: changes to a trained network's {@link dev.jnas.space.LayerGraph} that carry
 * its weights over to the child, exactly (deepen, widen, skip) or approximately (remove, shrink),
 * so a child starts where its parent stopped (NASH, LEMONADE). Depends on {@code space} and
 * {@code model} only.
 */
package dev.jnas.morph;
