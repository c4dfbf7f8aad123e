package dev.jnas.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FortunesCorpusTest {
  @TempDir Path dir;
  Path source;

  @BeforeEach
  void fakeFolder() throws IOException {
    source = FakeFortunes.write(dir.resolve("fortunes"));
  }

  @Test
  void onlyPlainFortuneFilesAreAvailable() {
    assertThat(FortunesCorpus.available(source)).containsExactly("alpha", "beta");
  }

  @Test
  void eachFortuneIsOneTokenisedLineSplitByIndex() throws IOException {
    Path out = dir.resolve("out");
    FortunesCorpus.Written w = FortunesCorpus.write(source, null, 100, out);
    List<String> train = Files.readAllLines(out.resolve("train.txt"));
    assertThat(train).hasSize(23);
    assertThat(train.get(0)).isEqualTo("qa : the cat sat N times .");
    assertThat(train.get(15)).isEqualTo("qp - - a dog , a dog !");
    assertThat(train).noneMatch(l -> l.startsWith("qs ") || l.startsWith("qt "));
    assertThat(train.get(22)).startsWith("qy ");
    // fortunes 18 and 19 (counting over both files, blank fortunes not counted); their marker
    // words qs and qt never occur in training, so they are <unk>
    assertThat(Files.readAllLines(out.resolve("valid.txt"))).containsExactly("<unk> - - a dog , a dog !");
    assertThat(Files.readAllLines(out.resolve("test.txt"))).containsExactly("<unk> - - a dog , a dog !");
    assertThat(w.fortunes()).isEqualTo(25);
    assertThat(w.trainTokens()).isEqualTo(15 * (8 + 1) + 8 * (9 + 1));
    assertThat(w.vocabulary()).isEqualTo(23 + 7 + 5 + 2);
    assertThat(w.dir()).isEqualTo(out);
    // what TextCorpus sees agrees with what write reported
    TextCorpus c = TextCorpus.load(out, TextLevel.WORD);
    assertThat(c.train()).hasSize((int) w.trainTokens());
    assertThat(c.vocabulary().size()).isEqualTo(w.vocabulary());
    assertThat(c.vocabulary().contains("rude")).isFalse();
  }

  @Test
  void theMostFrequentTrainingWordsAreKeptTiesByFirstAppearance() throws IOException {
    Path out = dir.resolve("out");
    // "-", "a" and "dog" occur 16 times in training; ":", "the", ... 15 times, ":" first
    FortunesCorpus.Written w = FortunesCorpus.write(source, List.of(), 4, out);
    assertThat(w.vocabulary()).isEqualTo(6);
    assertThat(Files.readAllLines(out.resolve("train.txt")).get(0)).isEqualTo("<unk> : <unk> <unk> <unk> <unk> <unk> <unk>");
    assertThat(Files.readAllLines(out.resolve("test.txt"))).containsExactly("<unk> - - a dog <unk> a dog <unk>");
    assertThat(TextCorpus.load(out, TextLevel.WORD).vocabulary().tokens())
        .containsExactlyInAnyOrder("<unk>", "<eos>", "-", "a", "dog", ":");
  }

  @Test
  void theNamedFilesAreReadInTheGivenOrder() throws IOException {
    Path out = dir.resolve("out");
    FortunesCorpus.write(source, List.of("beta", "alpha"), 100, out);
    assertThat(Files.readAllLines(out.resolve("train.txt")).get(0)).startsWith("qp ");
    assertThat(Files.readAllLines(out.resolve("valid.txt"))).containsExactly("<unk> : the cat sat N times .");
    assertThat(Files.readAllLines(out.resolve("train.txt"))).contains("qc : the cat sat N times .").noneMatch(l -> l.startsWith("qi ") || l.startsWith("qj "));
  }

  @Test
  void textIsLowercasedAndSplitIntoWordsNumbersAndPunctuation() {
    assertThat(FortunesCorpus.tokens("Don't PANIC!\tIt's 3,000.5 km/h -- the 42nd\u00a0Café\u0008."))
        .containsExactly("don't", "panic", "!", "it's", "N", "km", "/", "h", "-", "-", "the", "N", "nd", "café", ".");
  }

  @Test
  void problemsAreNamed() throws IOException {
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> FortunesCorpus.write(dir.resolve("none"), null, 10, out))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(dir.resolve("none").toString())
        .hasMessageContaining("apt-get install fortunes");
    assertThatThrownBy(() -> FortunesCorpus.write(source, List.of("alpha", "gamma"), 10, out))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'gamma'")
        .hasMessageContaining("available: alpha, beta");
    assertThatThrownBy(() -> FortunesCorpus.write(source, List.of("alpha.u8"), 10, out)).hasMessageContaining("'alpha.u8'");
    assertThatThrownBy(() -> FortunesCorpus.write(source, List.of("beta", "alpha", "beta"), 10, out))
        .hasMessageContaining("'beta' is named twice");
    assertThatThrownBy(() -> FortunesCorpus.write(source, List.of("alpha"), 10, out))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("15 fortunes are too few");
    assertThatThrownBy(() -> FortunesCorpus.write(source, null, 0, out)).hasMessageContaining("at least 1 word, got 0");
    Files.writeString(out, "x");
    assertThatThrownBy(() -> FortunesCorpus.write(source, null, 10, out)).hasMessageStartingWith(out + ": a file is in the way");
  }
}
