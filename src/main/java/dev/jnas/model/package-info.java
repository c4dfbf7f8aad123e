/**
 * DJL networks for the trainable search spaces: {@link dev.jnas.model.ModelBuilders#forSpace}
 * gives the {@link dev.jnas.model.ModelBuilder} that turns an architecture into an uninitialised
 * block (NCHW float32 in, logits out) and counts its multiply-adds.
 */
package dev.jnas.model;
