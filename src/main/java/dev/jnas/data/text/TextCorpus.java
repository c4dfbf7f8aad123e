package dev.jnas.data.text;

import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A language-modelling corpus: three token streams (train, valid, test) of ids in one {@link
 * Vocabulary} built from the training split.
 *
 * <p>The files are in the Penn Treebank format: UTF-8 text, one sentence per line, tokens separated
 * by whitespace, {@code <unk>} standing for rare words. Blank lines are skipped; every other line
 * becomes its tokens followed by {@link Vocabulary#EOS}. At {@link TextLevel#WORD} the tokens are
 * the whitespace-separated words; at {@link TextLevel#CHAR} they are the characters (Unicode code
 * points) of the line's words joined by single spaces, a space being the token {@code " "} (kept
 * as it is, not written as "_", so no character of the text can collide with it), and {@code
 * <unk>} in the text is just its five characters. The vocabulary holds {@code <unk>} (id 0), {@code
 * <eos>} (id 1), then the training tokens in order of first appearance; tokens of valid and test
 * outside it map to {@code <unk>}.
 */
public final class TextCorpus {
  /** Of the non-blank lines of one file, the line with index i goes to valid when i % 20 == 18. */
  static final int SPLIT_PERIOD = 20;

  private final String name;
  private final TextLevel level;
  private final Vocabulary vocabulary;
  private final int[] train;
  private final int[] valid;
  private final int[] test;

  private TextCorpus(String name, TextLevel level, Vocabulary vocabulary, int[] train, int[] valid, int[] test) {
    this.name = name;
    this.level = level;
    this.vocabulary = vocabulary;
    this.train = train;
    this.valid = valid;
    this.test = test;
  }

  /** A non-blank line of a file and its 1-based number there (for messages). */
  private record Line(int number, String text) {}

  /** The lines of one split and how messages name where they come from. */
  private record Part(Path file, String label, List<Line> lines) {
    String where() {
      return file + label;
    }
  }

  /**
   * Reads {@code dataDir}/train.txt, valid.txt and test.txt.
   *
   * @throws BadInputException naming the folder or file (and line) when a folder or file is
   *     missing, a file holds bytes that are not UTF-8, the training file has no tokens, or valid
   *     or test has none
   */
  public static TextCorpus load(Path dataDir, TextLevel level) {
    if (!Files.isDirectory(dataDir)) {
      throw new BadInputException(
          dataDir + ": " + (Files.exists(dataDir) ? "not a folder" : "no such folder")
              + " (a text corpus is a folder holding train.txt, valid.txt and test.txt)");
    }
    Part[] parts = new Part[3];
    String[] names = {"train.txt", "valid.txt", "test.txt"};
    for (int k = 0; k < 3; k++) {
      Path f = dataDir.resolve(names[k]);
      parts[k] = new Part(f, "", readLines(f));
    }
    Path folder = dataDir.toAbsolutePath().normalize().getFileName();
    String base = folder == null ? "corpus" : folder.toString();
    return build(base + "-" + level.id(), level, parts[0], parts[1], parts[2]);
  }

  /**
   * Any one text file: its non-blank lines split deterministically into train, valid and test (the
   * line with index i among them goes to valid when i % 20 == 18, to test when i % 20 == 19, else
   * to train), then read as {@link #load} reads a folder.
   *
   * @throws BadInputException naming the file (and line) when it is missing, not UTF-8, or has
   *     fewer than 20 non-blank lines (valid or test would be empty)
   */
  public static TextCorpus fromTextFile(Path file, TextLevel level) {
    List<Line> lines = readLines(file);
    if (lines.size() < SPLIT_PERIOD) {
      throw new BadInputException(
          file + ": " + lines.size() + " non-blank lines are too few: lines 19 and 20 of every 20 go to valid and"
              + " test, so at least " + SPLIT_PERIOD + " are needed");
    }
    List<Line> tr = new ArrayList<>();
    List<Line> va = new ArrayList<>();
    List<Line> te = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int r = i % SPLIT_PERIOD;
      (r == SPLIT_PERIOD - 2 ? va : r == SPLIT_PERIOD - 1 ? te : tr).add(lines.get(i));
    }
    String fileName = file.getFileName().toString();
    int dot = fileName.lastIndexOf('.');
    String base = dot > 0 ? fileName.substring(0, dot) : fileName;
    return build(
        base + "-" + level.id(),
        level,
        new Part(file, " (train part)", tr),
        new Part(file, " (valid part)", va),
        new Part(file, " (test part)", te));
  }

  public String name() {
    return name;
  }

  public TextLevel level() {
    return level;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** The training stream's token ids (a copy). */
  public int[] train() {
    return train.clone();
  }

  /** The validation stream's token ids (a copy). */
  public int[] valid() {
    return valid.clone();
  }

  /** The test stream's token ids (a copy). */
  public int[] test() {
    return test.clone();
  }

  /**
   * PTB-style batching: {@code stream} cut into {@code batch} rows of equal length, {@code
   * result[row][t]}, row r continuing where row r-1 ends; the tail that does not fill a row is
   * dropped. A row needs at least 2 tokens (an input and its target).
   *
   * @param splitName the stream's name in messages, e.g. "valid"
   * @throws BadInputException when {@code batch < 1} or the stream holds fewer than {@code 2 *
   *     batch} tokens
   */
  public static int[][] rows(int[] stream, int batch, String splitName) {
    if (batch < 1) {
      throw new BadInputException("batch size must be at least 1, got " + batch + " (" + splitName + ")");
    }
    if (stream.length < 2L * batch) {
      throw new BadInputException(
          splitName + ": " + stream.length + " tokens are too few for batch size " + batch + ": each of the "
              + batch + " rows needs at least 2 tokens (an input and its target), " + 2L * batch + " in all");
    }
    int len = stream.length / batch;
    int[][] out = new int[batch][];
    for (int r = 0; r < batch; r++) {
      out[r] = Arrays.copyOfRange(stream, r * len, (r + 1) * len);
    }
    return out;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "TextCorpus[%s: vocabulary %d, train %d, valid %d, test %d tokens]",
        name, vocabulary.size(), train.length, valid.length, test.length);
  }

  private static TextCorpus build(String name, TextLevel level, Part train, Part valid, Part test) {
    // ids assigned while reading so the training text is tokenised once
    Map<String, Integer> ids = new LinkedHashMap<>();
    ids.put(Vocabulary.UNK, 0);
    ids.put(Vocabulary.EOS, 1);
    Ints trainIds = new Ints();
    for (Line line : train.lines()) {
      for (String t : tokens(train, line, level)) {
        trainIds.add(ids.computeIfAbsent(t, k -> ids.size()));
      }
      trainIds.add(1);
    }
    if (trainIds.size() == 0) {
      throw new BadInputException(train.where() + ": no tokens: the training text is empty or blank");
    }
    Vocabulary vocabulary = Vocabulary.of(new ArrayList<>(ids.keySet()));
    return new TextCorpus(
        name, level, vocabulary, trainIds.toArray(), mapped(valid, level, vocabulary), mapped(test, level, vocabulary));
  }

  private static int[] mapped(Part part, TextLevel level, Vocabulary vocabulary) {
    if (part.lines().isEmpty()) {
      throw new BadInputException(part.where() + ": no tokens: the file is empty or blank");
    }
    Ints out = new Ints();
    int eos = vocabulary.id(Vocabulary.EOS);
    for (Line line : part.lines()) {
      for (String t : tokens(part, line, level)) {
        out.add(vocabulary.id(t));
      }
      out.add(eos);
    }
    return out.toArray();
  }

  /** The tokens of a non-blank line; whitespace is what {@link Character#isWhitespace} says. */
  private static List<String> tokens(Part part, Line line, TextLevel level) {
    List<String> words = new ArrayList<>();
    String s = line.text();
    int i = 0;
    while (i < s.length()) {
      while (i < s.length() && Character.isWhitespace(s.codePointAt(i))) {
        i += Character.charCount(s.codePointAt(i));
      }
      int start = i;
      while (i < s.length() && !Character.isWhitespace(s.codePointAt(i))) {
        i += Character.charCount(s.codePointAt(i));
      }
      if (i > start) {
        words.add(s.substring(start, i));
      }
    }
    if (level == TextLevel.WORD) {
      for (String w : words) {
        if (w.equals(Vocabulary.EOS)) {
          // a literal <eos> would be indistinguishable from the end of a line
          throw new BadInputException(
              part.where() + ":" + line.number() + ": the token " + Vocabulary.EOS
                  + " is reserved: the end of every line stands for it");
        }
      }
      return words;
    }
    String joined = String.join(" ", words);
    List<String> chars = new ArrayList<>(joined.length());
    joined.codePoints().forEach(cp -> chars.add(Character.toString(cp)));
    return chars;
  }

  /** The non-blank lines of a UTF-8 file, with their numbers; a leading byte-order mark dropped. */
  private static List<Line> readLines(Path file) {
    if (Files.isDirectory(file)) {
      throw new BadInputException(file + ": a folder, not a text file");
    }
    if (!Files.exists(file)) {
      throw new BadInputException(file + ": no such file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + AtomicFiles.describe(e), e);
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<Line> lines = new ArrayList<>();
    int start = 0;
    int number = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      number++;
      int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
      // decoded line by line so that a bad byte is reported with its line
      ByteBuffer in = ByteBuffer.wrap(bytes, start, stop - start);
      CharBuffer out = CharBuffer.allocate(stop - start);
      decoder.reset();
      CoderResult r = decoder.decode(in, out, true);
      if (!r.isError()) {
        r = decoder.flush(out);
      }
      if (r.isError()) {
        throw new BadInputException(
            String.format(
                Locale.ROOT,
                "%s:%d: not UTF-8 text: bad byte 0x%02x at byte %d of the line",
                file, number, bytes[in.position()] & 0xFF, in.position() - start + 1));
      }
      String text = out.flip().toString();
      if (number == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      if (!text.isBlank()) {
        lines.add(new Line(number, text));
      }
      start = end + 1;
    }
    return lines;
  }

  /** A growing int array (a stream can hold millions of tokens; boxing them would triple memory). */
  private static final class Ints {
    private int[] a = new int[1024];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
