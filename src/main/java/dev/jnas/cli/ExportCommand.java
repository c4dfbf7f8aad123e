package dev.jnas.cli;

import dev.jnas.export.ModelExporter;
import dev.jnas.export.OnnxExport;
import dev.jnas.util.BadInputException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(mixinStandardHelpOptions = true, name = "export", description = {
      "Write an experiment's trained model for use outside jnas (reads the experiment, changes nothing in it).",
      "onnx: one file; input '" + OnnxExport.INPUT + "' float32 (N, C, H, W) raw pixel values 0..255, normalised inside"
          + " the graph as in training; outputs '" + OnnxExport.LOGITS + "' and '" + OnnxExport.PROBABILITIES
          + "' (softmax); class names, space and architecture in the model's metadata (" + OnnxExport.CLASS_NAMES + ", "
          + OnnxExport.ARCHITECTURE + ", ...).",
      "djl: a folder with the weights in DJL's format, model.json and a README on loading it (DJL's Model.load with the"
          + " block jnas builds, or SavedModel.load)."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", description = "experiment folder (its best/ is exported), or a saved model's folder")
  Path dir;

  @Option(names = "--trial", paramLabel = "N", description = "export trial N's network instead of best/, where its weights"
      + " are kept: every trial of a morphism search, the best trial of a search whose trials train several epochs")
  Long trial;

  @Option(names = "--format", required = true, paramLabel = "onnx|djl", description = "onnx or djl")
  String format;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "the ONNX file, or the DJL folder (new or empty)")
  Path output;

  @Override
  public Integer call() {
    ModelExporter.Format f;
    try {
      f = ModelExporter.Format.valueOf(format.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("unknown export format '" + format + "' (onnx or djl)");
    }
    try (ModelExporter.Source s = ModelExporter.open(dir, trial)) {
      ModelExporter.write(s, f, output);
      spec.commandLine().getOut().println(
          "exported " + s.what() + " (" + s.info().path("space").path("name").asText() + " " + s.info().path("architecture").asText()
              + ") to " + output + " (" + f.name().toLowerCase(Locale.ROOT) + ")");
    }
    return 0;
  }
}
