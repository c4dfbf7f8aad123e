package dev.jnas.data.text;

import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Rng;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a corpus sampled from {@link StochasticGrammar#english()}: train.txt, valid.txt and
 * test.txt in the format {@link TextCorpus#load} reads, one sentence per line, words separated by
 * single spaces. Since the grammar is known, so is the perplexity floor a perfect model reaches.
 */
public final class GrammarCorpus {
  /**
   * What {@link #write} wrote.
   *
   * @param trainTokens tokens of train.txt, one EOS per sentence included (the length of {@link
   *     TextCorpus#train()})
   * @param perplexityFloor the grammar's exact per-token perplexity floor
   * @param testSetPerplexityOfTrueModel exp of the true grammar's mean negative log-likelihood per
   *     token (EOS included) over test.txt: what a perfect model scores on this finite sample, so
   *     the sampling noise around the floor can be seen
   */
  public record Written(
      Path dir,
      int trainSentences,
      int validSentences,
      int testSentences,
      long trainTokens,
      double perplexityFloor,
      double testSetPerplexityOfTrueModel) {}

  private GrammarCorpus() {}

  /**
   * Samples the three files into {@code dir} (created when missing; files of these names in it
   * are replaced). Each split is drawn from its own stream derived from {@code seed}, so the test
   * sentences do not change with the number of training sentences.
   *
   * @throws BadInputException when a count is below 1 or {@code dir} is a file or cannot be
   *     written
   */
  public static Written write(Path dir, long seed, int trainSentences, int validSentences, int testSentences) {
    check("training", trainSentences);
    check("validation", validSentences);
    check("test", testSentences);
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new BadInputException(dir + ": a file is in the way; the corpus needs a folder");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BadInputException("cannot create the corpus folder " + dir + ": " + AtomicFiles.describe(e), e);
    }
    StochasticGrammar g = StochasticGrammar.english();
    long trainTokens = sample(g, dir.resolve("train.txt"), Rng.derive(seed, 0), trainSentences).tokens();
    sample(g, dir.resolve("valid.txt"), Rng.derive(seed, 1), validSentences);
    Sample test = sample(g, dir.resolve("test.txt"), Rng.derive(seed, 2), testSentences);
    return new Written(
        dir, trainSentences, validSentences, testSentences, trainTokens, g.perplexityFloor(),
        Math.exp(-test.logProbability() / test.tokens()));
  }

  private static void check(String split, int sentences) {
    if (sentences < 1) {
      throw new BadInputException("the number of " + split + " sentences must be at least 1, got " + sentences);
    }
  }

  /** Tokens written (EOS included) and their total log probability under the grammar. */
  private record Sample(long tokens, double logProbability) {}

  private static Sample sample(StochasticGrammar g, Path file, long seed, int sentences) {
    Rng rng = Rng.of(seed);
    StringBuilder text = new StringBuilder((int) Math.min(1 << 24, sentences * 48L));
    long tokens = 0;
    double lp = 0;
    for (int i = 0; i < sentences; i++) {
      List<String> words = g.sentence(rng);
      text.append(String.join(" ", words)).append('\n');
      tokens += words.size() + 1;
      lp += g.logProbability(words);
    }
    AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    return new Sample(tokens, lp);
  }
}
