package dev.jnas.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * A block built for a known input, with the per-example shape {@code (C, H, W)} or {@code (F)} it
 * outputs and its multiply-adds. Building and counting share one code path, so the reported flops
 * always describe the network that is built.
 */
record Built(Block block, Shape output, long flops) {}
