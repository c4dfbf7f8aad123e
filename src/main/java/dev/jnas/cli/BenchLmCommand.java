package dev.jnas.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.jnas.data.text.TextCorpus;
import dev.jnas.data.text.TextLevel;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialListener;
import dev.jnas.lm.LanguageModelEvaluator;
import dev.jnas.lm.LmSettings;
import dev.jnas.lm.LstmBaseline;
import dev.jnas.space.Architecture;
import dev.jnas.space.SearchSpace;
import dev.jnas.space.SearchSpaces;
import dev.jnas.train.TrainingBenchmark;
import dev.jnas.util.BadInputException;
import dev.jnas.util.ConfigBinding;
import dev.jnas.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnas bench lm}: a recurrent cell's language model against the LSTM of equal parameter count. */
@Command(
    name = "lm",
    mixinStandardHelpOptions = true,
    description =
        "Train the language model of one recurrent cell and an LSTM language model with the same number of"
            + " parameters (same settings, seed and epochs) on a corpus, and report validation and test perplexity.")
final class BenchLmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, description = "folder with train.txt, valid.txt, test.txt (Penn Treebank format)")
  Path data;

  @Option(names = "--level", defaultValue = "word", description = "word or char (default: ${DEFAULT-VALUE})")
  String level;

  @Option(names = "--space", defaultValue = "enas-rnn", description = "enas-rnn or nasrl-rnn (default: ${DEFAULT-VALUE})")
  String space;

  @Option(names = "--space-params", defaultValue = "{}", description = "the space's params as JSON, e.g. {\"nodes\": 8}")
  String spaceParams;

  @Option(names = "--cell", required = true, description = "the cell's canonical string in that space")
  String cell;

  @Option(names = "--training", defaultValue = "{}", description = "the language model's training settings as JSON (as evaluator.training)")
  String training;

  @Option(names = "--epochs", defaultValue = "6", description = "epochs of each model (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--json", description = "print the rows as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (epochs < 1 || threads < 1) {
      throw new BadInputException("bench lm needs --epochs >= 1 and --threads >= 1");
    }
    TrainingBenchmark.requestThreads(threads);
    SearchSpace s = SearchSpaces.create(space, JsonFlags.object("--space-params", spaceParams));
    Architecture arch;
    try {
      arch = s.decode(cell);
    } catch (BadInputException e) {
      throw new BadInputException("--cell: " + e.getMessage());
    }
    LmSettings settings = ConfigBinding.bind(JsonFlags.object("--training", training), LmSettings.class);
    TextCorpus corpus = TextCorpus.load(data, TextLevel.parse(level));
    LanguageModelEvaluator evaluator = new LanguageModelEvaluator(s, corpus, settings);
    PrintWriter err = spec.commandLine().getErr();
    List<LstmBaseline.Row> rows = LstmBaseline.compare(evaluator, arch, seed, epochs, new TrialListener() {
      @Override
      public void onEpoch(long trialId, EpochMetrics m, int totalEpochs) {
        err.printf(Locale.ROOT, "epoch %d/%d: train ppl %.2f, valid ppl %.2f (%.1f s)%n", m.epoch(), totalEpochs,
            Math.exp(m.trainLoss()), Math.exp(m.valLoss()), m.seconds());
        err.flush();
      }
    });
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ArrayNode a = Json.MAPPER.createArrayNode();
      rows.forEach(r -> a.add(Json.MAPPER.valueToTree(r)));
      out.println(a.toPrettyString());
      return 0;
    }
    int[][] trained = evaluator.trainRows();
    out.printf(Locale.ROOT, "%s: trained on %,d of %,d training tokens, vocabulary %,d; %d epochs each, seed %d%n", corpus.name(),
        (long) trained.length * trained[0].length, corpus.train().length, corpus.vocabulary().size(), epochs, seed);
    out.printf(Locale.ROOT, "%-8s %7s %10s %10s %10s %9s  %s%n", "model", "hidden", "params", "valid ppl", "test ppl", "seconds", "cell");
    for (LstmBaseline.Row r : rows) {
      boolean lstm = r.model().equals("lstm");
      out.printf(Locale.ROOT, "%-8s %7d %,10d %10.2f %10.2f %9.1f  %s%n", lstm ? "lstm" : "cell", r.hidden(), r.params(),
          r.validPerplexity(), r.testPerplexity(), r.seconds(), lstm ? "(libtorch's LSTM)" : r.model());
    }
    return 0;
  }

}
