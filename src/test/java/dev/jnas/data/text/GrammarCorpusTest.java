package dev.jnas.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrammarCorpusTest {
  @TempDir Path dir;

  @Test
  void writesFilesThatTextCorpusReads() {
    GrammarCorpus.Written w = GrammarCorpus.write(dir.resolve("g"), 5, 2000, 100, 150);
    TextCorpus c = TextCorpus.load(w.dir(), TextLevel.WORD);
    int eos = c.vocabulary().id(Vocabulary.EOS);
    assertThat(c.train()).hasSize((int) w.trainTokens());
    assertThat(Arrays.stream(c.train()).filter(t -> t == eos).count()).isEqualTo(2000);
    assertThat(Arrays.stream(c.valid()).filter(t -> t == eos).count()).isEqualTo(100);
    assertThat(Arrays.stream(c.test()).filter(t -> t == eos).count()).isEqualTo(150);
    HashSet<String> grammarWords = new HashSet<>(StochasticGrammar.english().vocabulary());
    grammarWords.add(Vocabulary.UNK);
    assertThat(grammarWords).containsAll(c.vocabulary().tokens());
    assertThat(w.perplexityFloor()).isEqualTo(StochasticGrammar.english().perplexityFloor());
    assertThat(TextCorpus.load(w.dir(), TextLevel.CHAR).vocabulary().contains(" ")).isTrue();
  }

  @Test
  void theTrueModelsTestPerplexityIsNearTheFloor() {
    GrammarCorpus.Written w = GrammarCorpus.write(dir, 1, 10, 10, 4000);
    assertThat(w.testSetPerplexityOfTrueModel()).isBetween(0.97 * w.perplexityFloor(), 1.03 * w.perplexityFloor());
    assertThat(w.testSetPerplexityOfTrueModel()).isNotEqualTo(w.perplexityFloor());
  }

  @Test
  void theSeedFixesTheFilesAndEachSplitHasItsOwnStream() throws IOException {
    GrammarCorpus.write(dir.resolve("a"), 9, 50, 20, 30);
    GrammarCorpus.write(dir.resolve("b"), 9, 80, 20, 30);
    GrammarCorpus.write(dir.resolve("c"), 10, 50, 20, 30);
    String testA = Files.readString(dir.resolve("a/test.txt"));
    // more training sentences leave valid and test as they were
    assertThat(Files.readString(dir.resolve("b/test.txt"))).isEqualTo(testA);
    assertThat(Files.readString(dir.resolve("b/valid.txt"))).isEqualTo(Files.readString(dir.resolve("a/valid.txt")));
    assertThat(Files.readString(dir.resolve("b/train.txt"))).startsWith(Files.readString(dir.resolve("a/train.txt")));
    assertThat(Files.readString(dir.resolve("c/test.txt"))).isNotEqualTo(testA);
    assertThat(Files.readAllLines(dir.resolve("a/train.txt"))).hasSize(50).allMatch(l -> !l.isBlank());
  }

  @Test
  void badCountsAndAFileInTheWayAreRefused() throws IOException {
    assertThatThrownBy(() -> GrammarCorpus.write(dir, 1, 0, 1, 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("training sentences must be at least 1, got 0");
    assertThatThrownBy(() -> GrammarCorpus.write(dir, 1, 1, 1, -2))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("test sentences");
    Path f = dir.resolve("file");
    Files.writeString(f, "x");
    assertThatThrownBy(() -> GrammarCorpus.write(f, 1, 1, 1, 1))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ": a file is in the way");
  }
}
