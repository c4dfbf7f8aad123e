/**
 * DJL networks for search spaces: a {@link dev.jnas.model.ModelBuilder} turns an architecture into
 * an uninitialised block (NCHW float32 in, logits out) and counts its multiply-adds. Builders are
 * found with {@link java.util.ServiceLoader} ({@link dev.jnas.model.ModelBuilderProvider}) or
 * named by class; {@link dev.jnas.model.ModelBuilders#fromConfig} reads a config's {@code model}
 * section, including the {@code layers} template ({@link dev.jnas.model.LayersBuilder}).
 */
package dev.jnas.model;
