package dev.jnas.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.train.TrainingBenchmark;
import dev.jnas.train.TrialMemoryBenchmark;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "trials",
    mixinStandardHelpOptions = true,
    description = "Run many short training trials in one JVM and record resident memory after each (leak check).")
final class BenchTrialsCommand implements Callable<Integer> {
  /**
   * Resident memory grows during the first ~40 trials (allocator pools, JIT, libtorch caches):
   * the slope over the second half says something about leaks only from this many trials on.
   */
  static final int MIN_TRIALS_TO_JUDGE = 100;

  @Spec CommandSpec spec;

  @Option(names = "--space", defaultValue = "nasbench201", description = "trainable space to sample from (default: ${DEFAULT-VALUE})")
  String space;

  /** A small NAS-Bench-201 skeleton unless the flag says otherwise; another space's own defaults. */
  private static final String SMALL_NASBENCH201 = "{\"cells_per_stage\":1,\"channels\":8}";

  @Option(names = "--space-params", description = "the space's parameters as JSON (default: " + SMALL_NASBENCH201
      + " for nasbench201, the space's defaults for others)")
  String spaceParams;

  @Option(names = "--count", defaultValue = "200", description = "trials (default: ${DEFAULT-VALUE})")
  int count;

  @Option(names = "--images", defaultValue = "256", description = "synthetic training images per trial, one epoch (default: ${DEFAULT-VALUE}); for a recurrent-cell space (enas-rnn, nasrl-rnn): training sentences of the built-in grammar")
  int images;

  @Option(names = "--size", defaultValue = "16", description = "image side, 1 channel (default: ${DEFAULT-VALUE})")
  int size;

  @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--json", description = "print one JSON object with the whole curve")
  boolean json;

  private static String tooFew() {
    return "too few trials to judge a leak: memory grows during the first ~40 trials (warm-up);"
        + " use --count " + MIN_TRIALS_TO_JUDGE + " or more for a slope";
  }

  @Override
  public Integer call() throws Exception {
    if (count < 2 || images < 20 || size < 4 || threads < 1) {
      throw new BadInputException("bench trials needs --count >= 2, --images >= 20, --size >= 4, --threads >= 1");
    }
    String params = spaceParams != null ? spaceParams : space.equals("nasbench201") ? SMALL_NASBENCH201 : "{}";
    SearchSpace s = SearchSpaces.create(space, JsonFlags.object("--space-params", params));
    TrainingBenchmark.requestThreads(threads);
    TrialMemoryBenchmark.Result r;
    if (dev.jnas.lm.RecurrentCells.isRecurrent(s)) {
      // a language model per trial, on --images sentences of the built-in grammar (one epoch each)
      java.nio.file.Path corpus = java.nio.file.Files.createTempDirectory("jnas-bench-trials");
      try {
        dev.jnas.data.text.GrammarCorpus.write(corpus, 1, images, Math.max(20, images / 10), Math.max(20, images / 10));
        var text = dev.jnas.data.text.TextCorpus.load(corpus, dev.jnas.data.text.TextLevel.WORD);
        var settings = new dev.jnas.lm.LmSettings(1, 16, 20, 5, 4, 0.25, 0.2, 32, 32, false, 0, 10);
        r = TrialMemoryBenchmark.run(s, new dev.jnas.lm.LanguageModelEvaluator(s, text, settings), count, 1);
      } finally {
        dev.jnas.util.Folders.deleteTree(corpus);
      }
    } else {
      r = TrialMemoryBenchmark.run(s, count, images, size, 1);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("space", space).put("trials", r.trials()).put("completed", r.completed())
          .put("first_rss_mib", r.firstMib()).put("last_rss_mib", r.lastMib()).put("max_rss_mib", r.maxMib())
          .put("seconds", r.seconds());
      if (count >= MIN_TRIALS_TO_JUDGE) {
        o.put("slope_mib_per_100_trials", r.slopeMibPer100());
      } else {
        o.putNull("slope_mib_per_100_trials");
        o.put("note", tooFew());
      }
      ArrayNode a = o.putArray("rss_mib");
      r.rssMib().forEach(a::add);
      out.println(Json.MAPPER.writeValueAsString(o));
      return 0;
    }
    out.printf(Locale.ROOT, "%d trials (%d complete) in %.1f s; RSS after trial 1: %.1f MiB, last: %.1f MiB, max: %.1f MiB;%n",
        r.trials(), r.completed(), r.seconds(), r.firstMib(), r.lastMib(), r.maxMib());
    if (count >= MIN_TRIALS_TO_JUDGE) {
      out.printf(Locale.ROOT, "slope over the second half: %+.2f MiB per 100 trials%n", r.slopeMibPer100());
    } else {
      out.println(tooFew());
    }
    int step = Math.max(1, r.trials() / 10);
    for (int i = 0; i < r.trials(); i += step) {
      out.printf(Locale.ROOT, "  after trial %4d: %7.1f MiB%n", i + 1, r.rssMib().get(i));
    }
    return 0;
  }
}
