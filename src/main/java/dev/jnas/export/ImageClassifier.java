package dev.jnas.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.train.SavedModel;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained classifier of raw images: an exported ONNX file (run by ONNX Runtime) or a saved
 * model's folder ({@code best/} or a DJL export, run by DJL). Close it.
 */
public interface ImageClassifier extends AutoCloseable {
  /** One example's {@code (C, H, W)}. */
  Shape inputShape();

  List<String> classNames();

  /**
   * Class probabilities of {@code n} images, {@code (N, C, H, W)} raw pixel values 0..255 in
   * row-major order.
   */
  float[][] probabilities(float[] pixels, int n);

  @Override
  void close();

  /**
   * Opens {@code path}: a folder holding {@code model.json}, or an ONNX file.
   *
   * @throws BadInputException naming the path when it is neither or cannot be read
   */
  static ImageClassifier open(Path path) {
    if (Files.isDirectory(path)) {
      return new Djl(SavedModel.load(path));
    }
    if (!Files.isRegularFile(path)) {
      throw new BadInputException("model " + path + " does not exist (give an exported .onnx file or a saved model's folder such as <experiment>/best)");
    }
    return Onnx.open(path);
  }

  /** A saved model run by DJL, through {@link SavedModel#predict(NDArray)}. */
  final class Djl implements ImageClassifier {
    private final SavedModel model;

    Djl(SavedModel model) {
      this.model = model;
    }

    @Override
    public Shape inputShape() {
      return model.inputShape();
    }

    @Override
    public List<String> classNames() {
      return model.classNames();
    }

    @Override
    public float[][] probabilities(float[] pixels, int n) {
      try (NDManager m = model.model().getNDManager().newSubManager()) {
        return model.predict(m.create(pixels, new Shape(n).addAll(inputShape()))).probabilities();
      }
    }

    @Override
    public void close() {
      model.close();
    }
  }

  /** An exported ONNX model run by ONNX Runtime; class names from its metadata. */
  final class Onnx implements ImageClassifier {
    private final OrtSession session;
    private final Shape inputShape;
    private final List<String> classNames;
    private final String input;
    private final String output;
    private final boolean probabilities;

    private Onnx(OrtSession session, Shape inputShape, List<String> classNames, String input, String output, boolean probabilities) {
      this.session = session;
      this.inputShape = inputShape;
      this.classNames = classNames;
      this.input = input;
      this.output = output;
      this.probabilities = probabilities;
    }

    static Onnx open(Path file) {
      OrtSession s;
      try {
        s = OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions());
      } catch (OrtException e) {
        throw new BadInputException(file + " is not an ONNX model ONNX Runtime can load: " + e.getMessage(), e);
      }
      try {
        if (s.getInputInfo().size() != 1) {
          throw new BadInputException(file + " takes " + s.getInputInfo().size() + " inputs; an image classifier takes one");
        }
        Map.Entry<String, NodeInfo> in = s.getInputInfo().entrySet().iterator().next();
        long[] dims = in.getValue().getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
        if (dims.length != 4 || dims[1] <= 0 || dims[2] <= 0 || dims[3] <= 0) {
          throw new BadInputException(file + "'s input " + in.getKey() + " is not (N, C, H, W) images of a fixed size");
        }
        boolean probs = s.getOutputNames().contains(OnnxExport.PROBABILITIES);
        String out = probs ? OnnxExport.PROBABILITIES : s.getOutputNames().iterator().next();
        long classes = s.getOutputInfo().get(out).getInfo() instanceof TensorInfo t && t.getShape().length == 2 ? t.getShape()[1] : -1;
        List<String> names = new ArrayList<>();
        String listed = s.getMetadata().getCustomMetadata().get(OnnxExport.CLASS_NAMES);
        if (listed != null) {
          JsonNode n = Json.MAPPER.readTree(listed);
          n.forEach(x -> names.add(x.asText()));
        } else if (classes > 0) {
          for (int k = 0; k < classes; k++) {
            names.add(Integer.toString(k)); // a model not exported by jnas: classes by number
          }
        }
        return new Onnx(s, new Shape(dims[1], dims[2], dims[3]), List.copyOf(names), in.getKey(), out, probs);
      } catch (OrtException | IOException | RuntimeException e) {
        try {
          s.close();
        } catch (OrtException ignored) {
          // already failing
        }
        if (e instanceof BadInputException b) {
          throw b;
        }
        throw new BadInputException(file + ": cannot read the model's inputs, outputs or metadata: " + e.getMessage(), e);
      }
    }

    @Override
    public Shape inputShape() {
      return inputShape;
    }

    @Override
    public List<String> classNames() {
      return classNames;
    }

    @Override
    public float[][] probabilities(float[] pixels, int n) {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new Shape(n).addAll(inputShape).getShape());
          OrtSession.Result r = session.run(Map.of(input, x))) {
        float[][] out = (float[][]) r.get(output).orElseThrow().getValue();
        if (!probabilities) {
          for (float[] row : out) {
            softmax(row);
          }
        }
        return out;
      } catch (OrtException e) {
        throw new dev.jnas.util.NasException("ONNX Runtime failed: " + e.getMessage(), e);
      }
    }

    private static void softmax(float[] v) {
      double max = Double.NEGATIVE_INFINITY;
      for (float x : v) {
        max = Math.max(max, x);
      }
      double sum = 0;
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) Math.exp(v[i] - max);
        sum += v[i];
      }
      for (int i = 0; i < v.length; i++) {
        v[i] /= (float) sum;
      }
    }

    @Override
    public void close() {
      try {
        session.close();
      } catch (OrtException e) {
        // nothing left to do with it
      }
    }
  }
}
