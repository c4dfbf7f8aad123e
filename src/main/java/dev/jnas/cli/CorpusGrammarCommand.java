package dev.jnas.cli;

import dev.jnas.data.text.GrammarCorpus;
import dev.jnas.data.text.StochasticGrammar;
import dev.jnas.util.BadInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jnas corpus grammar}: samples a corpus from the built-in stochastic grammar and prints its
 * exact perplexity floor, the score a perfect language model reaches.
 */
@Command(
    name = "grammar",
    mixinStandardHelpOptions = true,
    description = {
      "Sample train.txt, valid.txt and test.txt from a small English-like stochastic grammar whose"
          + " verbs agree with subjects across prepositional phrases, and print its exact perplexity floor"
          + " and what the true grammar scores on test.txt."
    })
final class CorpusGrammarCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "folder to write the three files to (created when missing)")
  Path output;

  @Option(names = "--seed", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--train", defaultValue = "20000", description = "training sentences (default: ${DEFAULT-VALUE})")
  int train;

  @Option(names = "--valid", defaultValue = "2000", description = "validation sentences (default: ${DEFAULT-VALUE})")
  int valid;

  @Option(names = "--test", defaultValue = "2000", description = "test sentences (default: ${DEFAULT-VALUE})")
  int test;

  @Override
  public Integer call() {
    atLeastOne("--train", train);
    atLeastOne("--valid", valid);
    atLeastOne("--test", test);
    CorpusCommand.checkOutput(output);
    GrammarCorpus.Written w = GrammarCorpus.write(output, seed, train, valid, test);
    StochasticGrammar g = StochasticGrammar.english();
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "wrote %s: train.txt %d sentences (%d tokens), valid.txt %d, test.txt %d%n",
        w.dir(), w.trainSentences(), w.trainTokens(), w.validSentences(), w.testSentences());
    o.printf(Locale.ROOT, "vocabulary: %d words, <eos> included (a loaded corpus adds <unk>)%n", g.vocabulary().size());
    o.printf(Locale.ROOT, "mean sentence length: %.2f words + <eos> (exact)%n", g.meanSentenceLength());
    o.printf(Locale.ROOT, "entropy rate: %.4f nats/token (exact)%n", g.entropyRate());
    o.printf(Locale.ROOT, "perplexity floor: %.4f%n", w.perplexityFloor());
    o.printf(Locale.ROOT, "true model's test-set perplexity: %.4f (%d sentences: the floor plus sampling noise)%n",
        w.testSetPerplexityOfTrueModel(), w.testSentences());
    return 0;
  }

  private static void atLeastOne(String flag, int value) {
    if (value < 1) {
      throw new BadInputException(flag + " must be at least 1 sentence, got " + value);
    }
  }
}
