package dev.jnas.cli;

import dev.jnas.export.ImageClassifier;
import dev.jnas.export.ImageFiles;
import dev.jnas.util.BadInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(mixinStandardHelpOptions = true, name = "predict", description = {
      "Classify images with a trained model: prints, per image, its most likely classes with their probabilities.",
      "PNG and JPEG images are converted to the model's channels (grayscale or RGB) and resized to its input size as"
          + " image-folder training data is (area averaging when shrinking, bilinear when enlarging); an IDX images file"
          + " (e.g. Fashion-MNIST's t10k-images-idx3-ubyte, gzipped or not) gives one line per image."
    })
final class PredictCommand implements Callable<Integer> {
  private static final int BATCH = 256;

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH",
      description = "an ONNX file from jnas export, or a saved model's folder (an experiment's best/, a djl export)")
  Path model;

  @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "classes shown per image (default: ${DEFAULT-VALUE})")
  int top;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG images, or IDX images files")
  List<Path> images;

  @Override
  public Integer call() {
    if (top < 1) {
      throw new BadInputException("--top must be at least 1, got " + top);
    }
    try (ImageClassifier c = ImageClassifier.open(model)) {
      // every file is read before any line is printed: a bad file fails the run with nothing half-done
      List<ImageFiles.Input> inputs = new ArrayList<>();
      for (Path p : images) {
        inputs.addAll(ImageFiles.read(p, c.inputShape()));
      }
      PrintWriter out = spec.commandLine().getOut();
      int size = (int) c.inputShape().size();
      for (int from = 0; from < inputs.size(); from += BATCH) {
        int n = Math.min(BATCH, inputs.size() - from);
        float[] pixels = new float[n * size];
        for (int i = 0; i < n; i++) {
          System.arraycopy(inputs.get(from + i).pixels(), 0, pixels, i * size, size);
        }
        float[][] p = c.probabilities(pixels, n);
        for (int i = 0; i < n; i++) {
          out.println(line(inputs.get(from + i).name(), p[i], c.classNames()));
        }
      }
    }
    return 0;
  }

  /** {@code name: class (p), class (p), ...}, most likely first; ties: the lower class index first. */
  private String line(String name, float[] p, List<String> classes) {
    Integer[] order = new Integer[p.length];
    for (int k = 0; k < p.length; k++) {
      order[k] = k;
    }
    java.util.Arrays.sort(order, (a, b) -> p[a] != p[b] ? Float.compare(p[b], p[a]) : Integer.compare(a, b));
    StringBuilder s = new StringBuilder(name).append(':');
    for (int k = 0; k < Math.min(top, p.length); k++) {
      String label = order[k] < classes.size() ? classes.get(order[k]) : Integer.toString(order[k]);
      s.append(k == 0 ? " " : ", ").append(label).append(String.format(Locale.ROOT, " (%.4f)", p[order[k]]));
    }
    return s.toString();
  }
}
