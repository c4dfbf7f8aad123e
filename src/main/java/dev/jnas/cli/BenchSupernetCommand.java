package dev.jnas.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.oneshot.SupernetBenchmark;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.train.TrainingBenchmark;
import dev.jnas.util.Json;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnas bench supernet}: speed of a one-shot search's supernet steps on synthetic data. */
@Command(
    mixinStandardHelpOptions = true,
    name = "supernet",
    description =
        "Train a space's supernet with the steps of a DARTS or ProxylessNAS search (the searches' own code, the"
            + " methods' default parameters; weights: SGD, Nesterov momentum 0.9, lr 0.05, weight decay 5e-4) on"
            + " synthetic images of a dataset's shape and report training images/s (the weight steps' images), the"
            + " time per step split into data / path / forward / backward / optimizer (the weight step) and arch"
            + " (the architecture step), the trainable weights, the architecture parameters and peak RSS. --batch is"
            + " the images of each weight step and of each architecture step.")
final class BenchSupernetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--method", required = true, description = "darts (first order) or proxyless (one path)")
  String method;

  @Option(names = "--space", defaultValue = "nasbench201", description = "a space with a supernet: nasbench201, cell, nasrl-macro, resnet50-scope (default: ${DEFAULT-VALUE})")
  String space;

  @Option(names = "--space-params", description = "the space's parameters as JSON, e.g. '{\"cells_per_stage\":1,\"channels\":16}'")
  String spaceParams;

  @Mixin BenchRunOptions run;

  @Override
  public Integer call() throws Exception {
    TrainingBenchmark.DatasetShape shape = run.start();
    SearchSpace s = SearchSpaces.create(space, JsonFlags.object("--space-params", spaceParams));
    SupernetBenchmark.Result r = SupernetBenchmark.run(method, s, shape, run.batch, run.steps, run.warmup, run.threads, run.profile);
    PrintWriter out = spec.commandLine().getOut();
    if (run.json) {
      out.println(Json.MAPPER.writeValueAsString(toJson(r)));
      return 0;
    }
    var ms = r.stepMs();
    out.printf(Locale.ROOT, "%s supernet of %s%n", r.method(), r.space());
    out.printf(Locale.ROOT, "  synthetic %s, batch %d, %d timed steps after %d warm-up, %d threads, %s on %s%n",
        shape, r.batch(), r.steps(), r.warmup(), r.threads(), r.engine(), r.device());
    out.printf(Locale.ROOT, "  weights %,d, architecture parameters %,d%n", r.params(), r.archParams());
    out.printf(Locale.ROOT, "  training   %10.1f images/s  %8.2f ms/step%n", r.trainImagesPerS(), ms.total());
    out.printf(Locale.ROOT, "  weight step %.2f ms: path %.2f, forward %.2f, backward %.2f, optimizer %.2f; data %.2f%n",
        ms.weight(), ms.path(), ms.forward(), ms.backward(), ms.optimizer(), ms.data());
    out.printf(Locale.ROOT, "  architecture step %.2f ms%n", ms.arch());
    out.printf(Locale.ROOT, "  peak RSS   %10.1f MiB%n", r.peakRssMib());
    return 0;
  }

  /** The fields of {@code jnas bench train --json} that apply, the step split and the architecture parameters. */
  static ObjectNode toJson(SupernetBenchmark.Result r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("method", r.method());
    o.put("space", r.space());
    BenchRunOptions.putRun(o, r.dataset(), r.batch(), r.steps(), r.warmup(), r.threads());
    o.put("train_images_per_s", r.trainImagesPerS());
    ObjectNode ms = o.putObject("step_ms");
    ms.put("data", r.stepMs().data());
    ms.put("path", r.stepMs().path());
    ms.put("forward", r.stepMs().forward());
    ms.put("backward", r.stepMs().backward());
    ms.put("optimizer", r.stepMs().optimizer());
    ms.put("weight", r.stepMs().weight());
    ms.put("arch", r.stepMs().arch());
    ms.put("total", r.stepMs().total());
    o.put("peak_rss_mib", r.peakRssMib());
    o.put("params", r.params());
    o.put("arch_params", r.archParams());
    o.put("engine", r.engine());
    o.put("device", r.device());
    return o;
  }
}
