package dev.jnas.data.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
  @TempDir Path dir;

  private Path corpus(String train, String valid, String test) throws IOException {
    Path d = dir.resolve("tiny");
    Files.createDirectories(d);
    Files.writeString(d.resolve("train.txt"), train);
    Files.writeString(d.resolve("valid.txt"), valid);
    Files.writeString(d.resolve("test.txt"), test);
    return d;
  }

  private static List<String> decode(Vocabulary v, int[] ids) {
    return Arrays.stream(ids).mapToObj(v::token).toList();
  }

  @Test
  void wordsOfEachLineThenEosAndBlankLinesSkipped() throws IOException {
    TextCorpus c = TextCorpus.load(corpus(" the cat <unk> sat \n\n  \nthe  dog\r\n", "the cat\n", "dog\n"), TextLevel.WORD);
    Vocabulary v = c.vocabulary();
    assertThat(v.tokens()).containsExactly("<unk>", "<eos>", "the", "cat", "sat", "dog");
    assertThat(decode(v, c.train())).containsExactly("the", "cat", "<unk>", "sat", "<eos>", "the", "dog", "<eos>");
    assertThat(c.train()).containsExactly(2, 3, 0, 4, 1, 2, 5, 1);
    assertThat(c.name()).isEqualTo("tiny-word");
    assertThat(c.level()).isEqualTo(TextLevel.WORD);
  }

  @Test
  void theVocabularyComesFromTrainOnlyAndUnknownWordsAreUnk() throws IOException {
    TextCorpus c = TextCorpus.load(corpus("a b\n", "a zebra b\n", "yak\nb\n"), TextLevel.WORD);
    Vocabulary v = c.vocabulary();
    assertThat(v.contains("zebra")).isFalse();
    assertThat(v.contains("yak")).isFalse();
    assertThat(v.size()).isEqualTo(4);
    assertThat(decode(v, c.valid())).containsExactly("a", "<unk>", "b", "<eos>");
    assertThat(decode(v, c.test())).containsExactly("<unk>", "<eos>", "b", "<eos>");
  }

  @Test
  void charLevelTokensAreCharactersWithSingleSpacesAndEos() throws IOException {
    TextCorpus c = TextCorpus.load(corpus("  ab\tc  \n\nbé\n", "ax\n", "b a\n"), TextLevel.CHAR);
    Vocabulary v = c.vocabulary();
    assertThat(decode(v, c.train())).containsExactly("a", "b", " ", "c", "<eos>", "b", "é", "<eos>");
    assertThat(v.tokens()).containsExactly("<unk>", "<eos>", "a", "b", " ", "c", "é");
    assertThat(decode(v, c.valid())).containsExactly("a", "<unk>", "<eos>");
    assertThat(decode(v, c.test())).containsExactly("b", " ", "a", "<eos>");
    assertThat(c.name()).isEqualTo("tiny-char");
  }

  @Test
  void theStreamsAreCopies() throws IOException {
    TextCorpus c = TextCorpus.load(corpus("a b\n", "a\n", "b\n"), TextLevel.WORD);
    c.train()[0] = 99;
    c.valid()[0] = 99;
    assertThat(c.train()[0]).isEqualTo(2);
    assertThat(c.valid()[0]).isEqualTo(2);
  }

  @Test
  void rowsCutTheStreamIntoEqualRowsAndDropTheTail() {
    int[] stream = IntStream.range(0, 11).toArray();
    int[][] r = TextCorpus.rows(stream, 3, "train");
    assertThat(r).hasDimensions(3, 3);
    assertThat(r[0]).containsExactly(0, 1, 2);
    assertThat(r[1]).containsExactly(3, 4, 5);
    assertThat(r[2]).containsExactly(6, 7, 8);
    assertThat(TextCorpus.rows(stream, 5, "train")).hasDimensions(5, 2);
  }

  @Test
  void rowsNeedTwoTokensPerRow() {
    assertThatThrownBy(() -> TextCorpus.rows(new int[9], 5, "valid"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("valid: 9 tokens")
        .hasMessageContaining("batch size 5")
        .hasMessageContaining("10");
    assertThatThrownBy(() -> TextCorpus.rows(new int[9], 0, "test")).isInstanceOf(BadInputException.class);
  }

  @Test
  void aMissingFolderOrFileIsNamed() throws IOException {
    assertThatThrownBy(() -> TextCorpus.load(dir.resolve("nope"), TextLevel.WORD))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("nope")
        .hasMessageContaining("no such folder")
        .hasMessageContaining("train.txt");
    Path d = corpus("a\n", "a\n", "a\n");
    Files.delete(d.resolve("valid.txt"));
    assertThatThrownBy(() -> TextCorpus.load(d, TextLevel.WORD))
        .isInstanceOf(BadInputException.class)
        .hasMessage(d.resolve("valid.txt") + ": no such file");
  }

  @Test
  void anEmptyTrainingFileOrBlankTestFileIsNamed() throws IOException {
    Path d = corpus(" \n\n", "a\n", "a\n");
    assertThatThrownBy(() -> TextCorpus.load(d, TextLevel.WORD))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(d.resolve("train.txt") + ": no tokens");
    Path e = corpus("a\n", "a\n", "\n\n");
    assertThatThrownBy(() -> TextCorpus.load(e, TextLevel.CHAR))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(e.resolve("test.txt") + ": no tokens");
  }

  @Test
  void bytesThatAreNotUtf8AreNamedWithTheirLine() throws IOException {
    Path d = corpus("a\n", "a\n", "a\n");
    byte[] bad = "one\n\ntwo caf\u00e9\nthree \u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(d.resolve("valid.txt"), bad);
    assertThatThrownBy(() -> TextCorpus.load(d, TextLevel.WORD))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(d.resolve("valid.txt") + ":3: not UTF-8")
        .hasMessageContaining("0xe9")
        .hasMessageContaining("byte 8 of the line");
  }

  @Test
  void aLiteralEosInTheTextIsNamedWithItsLine() throws IOException {
    Path d = corpus("a\nb <eos> c\n", "a\n", "a\n");
    assertThatThrownBy(() -> TextCorpus.load(d, TextLevel.WORD))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(d.resolve("train.txt") + ":2: ")
        .hasMessageContaining("<eos> is reserved");
    // at char level it is just five characters
    assertThat(TextCorpus.load(d, TextLevel.CHAR).vocabulary().contains("<")).isTrue();
  }

  @Test
  void aByteOrderMarkIsNotAToken() throws IOException {
    TextCorpus c = TextCorpus.load(corpus("\uFEFFa b\n", "a\n", "b\n"), TextLevel.WORD);
    assertThat(c.vocabulary().tokens()).containsExactly("<unk>", "<eos>", "a", "b");
  }

  @Test
  void oneFileIsSplitByLineIndexAmongNonBlankLines() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 45; i++) {
      b.append("w").append(i).append('\n');
      if (i % 7 == 0) {
        b.append("\n"); // blank lines do not count
      }
    }
    Path f = dir.resolve("book.txt");
    Files.writeString(f, b);
    TextCorpus c = TextCorpus.fromTextFile(f, TextLevel.WORD);
    Vocabulary v = c.vocabulary();
    assertThat(decode(v, c.valid())).containsExactly("<unk>", "<eos>", "<unk>", "<eos>");
    assertThat(decode(v, c.test())).containsExactly("<unk>", "<eos>", "<unk>", "<eos>");
    assertThat(v.contains("w18")).isFalse();
    assertThat(v.contains("w19")).isFalse();
    assertThat(v.contains("w38")).isFalse();
    assertThat(v.contains("w39")).isFalse();
    assertThat(v.contains("w40")).isTrue();
    assertThat(c.train()).hasSize(41 * 2);
    assertThat(c.name()).isEqualTo("book-word");
    // the split depends on the lines only: the same file gives the same corpus
    assertThat(TextCorpus.fromTextFile(f, TextLevel.WORD).train()).isEqualTo(c.train());
  }

  @Test
  void oneFileNamesItsLinesAndNeedsTwentyOfThem() throws IOException {
    Path f = dir.resolve("short.txt");
    Files.writeString(f, "a\n".repeat(19));
    assertThatThrownBy(() -> TextCorpus.fromTextFile(f, TextLevel.WORD))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ": 19 non-blank lines are too few")
        .hasMessageContaining("at least 20");
    Files.writeString(f, "a\n\n".repeat(10) + "x <eos>\n" + "a\n".repeat(20));
    assertThatThrownBy(() -> TextCorpus.fromTextFile(f, TextLevel.WORD))
        .hasMessageStartingWith(f + " (train part):21: ");
    assertThatThrownBy(() -> TextCorpus.fromTextFile(dir.resolve("none.txt"), TextLevel.CHAR))
        .hasMessage(dir.resolve("none.txt") + ": no such file");
  }
}
