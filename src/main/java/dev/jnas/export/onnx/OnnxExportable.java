package dev.jnas.export.onnx;

import java.util.List;

/**
 * A DJL block that can write what it computes in inference mode into an ONNX graph. jnas's own
 * blocks implement it; {@link OnnxBlocks} handles DJL's blocks (convolutions, dense layers,
 * sequential blocks, dropout) itself.
 */
public interface OnnxExportable {
  /**
   * Adds this block's computation to {@code onnx}.
   *
   * @param inputs the names of the values this block's forward pass receives, in order
   * @return the names of its outputs, in order
   */
  List<String> toOnnx(OnnxBlocks onnx, List<String> inputs);
}
