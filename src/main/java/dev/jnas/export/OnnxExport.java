package dev.jnas.export;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.jnas.export.onnx.OnnxBlocks;
import dev.jnas.export.onnx.OnnxGraph;
import java.util.List;
import java.util.Map;

/**
 * A trained jnas network as an ONNX model that takes raw pixels. The graph:
 *
 * <ul>
 *   <li>input {@value #INPUT}: float32 {@code (N, C, H, W)}, pixel values 0..255 as the images
 *       hold them (N is free);
 *   <li>the training normalisation, {@code (pixels / 255 - mean[c]) / std[c]}, as nodes;
 *   <li>the network, in inference mode (batch norm with its running statistics, dropout off);
 *   <li>outputs {@value #LOGITS} {@code (N, classes)}, the network's scores, and {@value
 *       #PROBABILITIES}, their softmax.
 * </ul>
 *
 * The model's {@code metadata_props} carry the class names (a JSON list under {@value
 * #CLASS_NAMES}), the jnas search space and architecture, and the normalisation.
 */
public final class OnnxExport {
  public static final String INPUT = "pixels";
  public static final String LOGITS = "logits";
  public static final String PROBABILITIES = "probabilities";
  /** Metadata keys. */
  public static final String CLASS_NAMES = "jnas.class_names";
  public static final String ARCHITECTURE = "jnas.architecture";
  public static final String SPACE = "jnas.space";
  public static final String NORMALIZATION = "jnas.normalization";
  public static final String INPUT_SHAPE = "jnas.input_shape";
  /** The whole {@code model.json} of the exported model. */
  public static final String MODEL_JSON = "jnas.model_json";

  private OnnxExport() {}

  /**
   * The ONNX model of {@code block}, initialised and holding its trained weights.
   *
   * @param inputShape one example's {@code (C, H, W)}
   * @param mean per-channel mean of the normalisation (pixel / 255 scale)
   * @param std per-channel standard deviation of the normalisation
   * @param metadata extra {@code metadata_props} entries (architecture, space, class names, ...)
   * @throws UnsupportedOperationException naming a block that cannot be written
   */
  public static byte[] toOnnx(
      Block block, Shape inputShape, float[] mean, float[] std, int classes, Map<String, String> metadata, String doc) {
    OnnxGraph g = new OnnxGraph("jnas");
    long c = inputShape.get(0);
    g.input(INPUT, OnnxGraph.FLOAT, "N", c, inputShape.get(1), inputShape.get(2));
    // the order of SavedModel.predict's operations: divide by 255, subtract the mean, divide by the std
    String scaled = g.node("Div", "normalize/scaled", List.of(INPUT, g.initializer("normalize/255", new float[] {255f})));
    String centred = g.node("Sub", "normalize/centred", List.of(scaled, g.initializer("normalize/mean", mean, 1, c, 1, 1)));
    String x = g.node("Div", "normalize/out", List.of(centred, g.initializer("normalize/std", std, 1, c, 1, 1)));
    String out = new OnnxBlocks(g).emit(block, x);
    g.node("Identity", LOGITS, List.of(out));
    g.node("Softmax", PROBABILITIES, List.of(LOGITS), OnnxGraph.Attr.i("axis", 1));
    g.output(LOGITS, OnnxGraph.FLOAT, "N", (long) classes);
    g.output(PROBABILITIES, OnnxGraph.FLOAT, "N", (long) classes);
    metadata.forEach(g::metadata);
    String version = OnnxExport.class.getPackage().getImplementationVersion();
    return g.toModel("jnas", version == null ? "dev" : version, doc);
  }
}
