package dev.jnas.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.train.TrainingBenchmark;
import dev.jnas.util.Json;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jnas bench train}: training and inference speed of one architecture on synthetic data. */
@Command(
    mixinStandardHelpOptions = true,
    name = "train",
    description =
        "Train one architecture on synthetic images of a dataset's shape with the trials' training step"
            + " (SGD, Nesterov momentum 0.9, lr 0.05, weight decay 5e-4) and report training and inference"
            + " images/s, the time per step split into forward / backward / optimizer / data, and peak RSS.")
final class BenchTrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--space", required = true, description = "trainable image search space: nasbench201, nasrl-macro, cell, resnet50-scope or graph")
  String space;

  @Option(names = "--space-params", description = "the space's parameters as JSON, e.g. '{\"cells_per_stage\":1,\"channels\":16}'")
  String spaceParams;

  @Option(names = "--arch", required = true, description = "the architecture in the space's string form")
  String arch;

  @Mixin BenchRunOptions run;

  @Override
  public Integer call() throws Exception {
    TrainingBenchmark.DatasetShape shape = run.start();
    SearchSpace s = SearchSpaces.create(space, JsonFlags.object("--space-params", spaceParams));
    Architecture a = s.decode(arch);
    TrainingBenchmark.Result r = TrainingBenchmark.run(s, a, shape, run.batch, run.steps, run.warmup, run.threads, run.profile);
    PrintWriter out = spec.commandLine().getOut();
    if (run.json) {
      out.println(Json.MAPPER.writeValueAsString(toJson(r)));
      return 0;
    }
    var ms = r.stepMs();
    out.printf(Locale.ROOT, "%s %s%n", r.space(), r.arch());
    out.printf(Locale.ROOT, "  synthetic %s, batch %d, %d timed steps after %d warm-up, %d threads, %s on %s%n",
        shape, r.batch(), r.steps(), r.warmup(), r.threads(), r.engine(), r.device());
    if (r.minThreads() < r.threads()) {
      out.printf(Locale.ROOT, "  other processes kept cores busy: some steps ran with %d threads%n", r.minThreads());
    }
    out.printf(Locale.ROOT, "  params %,d, %.2f M multiply-adds per image%n", r.params(), r.flops() / 1e6);
    out.printf(Locale.ROOT, "  training   %10.1f images/s  %8.2f ms/step: forward %.2f, backward %.2f, optimizer %.2f, data %.2f%n",
        r.trainImagesPerS(), ms.total(), ms.forward(), ms.backward(), ms.optimizer(), ms.data());
    out.printf(Locale.ROOT, "  inference  %10.1f images/s%n", r.inferImagesPerS());
    out.printf(Locale.ROOT, "  peak RSS   %10.1f MiB%n", r.peakRssMib());
    return 0;
  }

  static ObjectNode toJson(TrainingBenchmark.Result r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("space", r.space());
    o.put("arch", r.arch());
    BenchRunOptions.putRun(o, r.dataset(), r.batch(), r.steps(), r.warmup(), r.threads());
    o.put("threads_min", r.minThreads());
    o.put("train_images_per_s", r.trainImagesPerS());
    o.put("infer_images_per_s", r.inferImagesPerS());
    ObjectNode ms = o.putObject("step_ms");
    ms.put("forward", r.stepMs().forward());
    ms.put("backward", r.stepMs().backward());
    ms.put("optimizer", r.stepMs().optimizer());
    ms.put("data", r.stepMs().data());
    o.put("peak_rss_mib", r.peakRssMib());
    o.put("params", r.params());
    o.put("flops", r.flops());
    o.put("engine", r.engine());
    o.put("device", r.device());
    return o;
  }
}
