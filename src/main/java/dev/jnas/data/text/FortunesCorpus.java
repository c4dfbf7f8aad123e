package dev.jnas.data.text;

import dev.jnas.util.AtomicFiles;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the files of Debian's {@code fortunes} package into a word corpus in the Penn Treebank
 * format ({@link TextCorpus#load} reads it): a small real-text corpus that is on many machines
 * already, for checks that need real language without downloading one.
 */
public final class FortunesCorpus {
  public static final Path DEFAULT_DIR = Path.of("/usr/share/games/fortunes");

  /**
   * What {@link #write} wrote.
   *
   * @param fortunes the fortunes with at least one token, all splits together
   * @param trainTokens tokens of train.txt, one EOS per fortune included (the length of {@link
   *     TextCorpus#train()} at word level)
   * @param vocabulary the size of the {@link Vocabulary} {@link TextCorpus#load} builds from
   *     train.txt: the words kept, {@code <unk>} and {@code <eos>}
   */
  public record Written(Path dir, int fortunes, long trainTokens, int vocabulary) {}

  /**
   * A token: a number (digits with inner . , or : separators; written "N"), a word (letters, with
   * inner apostrophes as in "don't"), or any other single visible character (punctuation).
   */
  private static final Pattern TOKEN =
      Pattern.compile(
          "(\\p{N}+(?:[.,:]\\p{N}+)*)|([\\p{L}\\p{M}]+(?:['\u2019][\\p{L}\\p{M}]+)*)"
              + "|([^\\s\\p{Z}\\p{L}\\p{M}\\p{N}\\p{C}\uFFFD])");

  private FortunesCorpus() {}

  /**
   * The fortune files of {@code sourceDir}, sorted by name: its regular files except the {@code
   * *.dat} indexes and hidden files; the {@code *.u8} symbolic links and subfolders ("off") are
   * skipped.
   *
   * @throws BadInputException when the folder is missing (saying how to install it)
   */
  public static List<String> available(Path sourceDir) {
    if (!Files.isDirectory(sourceDir)) {
      throw new BadInputException(
          sourceDir + ": no such folder of fortune files; install Debian's fortunes package: apt-get install fortunes");
    }
    try (Stream<Path> s = Files.list(sourceDir)) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".dat") && !n.startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new BadInputException("cannot list " + sourceDir + ": " + AtomicFiles.describe(e), e);
    }
  }

  /**
   * Reads the fortune files named in {@code files} (null or empty: all {@link #available} ones,
   * by name) and writes train.txt, valid.txt and test.txt into {@code outDir} (created when
   * missing; files of these names replaced). Fortunes are separated by lines holding only "%";
   * each becomes one line: lowercased, split into words, numbers and single punctuation marks,
   * every number written "N". Fortune i (counting those with a token, over the files in order) goes
   * to valid when i % 20 == 18, to test when i % 20 == 19, else to train. The {@code vocabulary}
   * most frequent training words are kept (ties: first appearance first); every other word, in
   * any split, is written {@code <unk>}.
   *
   * @throws BadInputException when the folder is missing ("install Debian's fortunes package:
   *     apt-get install fortunes"), a named file is not one of its fortune files, {@code
   *     vocabulary < 1}, there are fewer than 20 fortunes, or {@code outDir} is a file
   */
  public static Written write(Path sourceDir, List<String> files, int vocabulary, Path outDir) {
    if (vocabulary < 1) {
      throw new BadInputException("the vocabulary must keep at least 1 word, got " + vocabulary);
    }
    List<String> all = available(sourceDir);
    List<String> chosen = files == null || files.isEmpty() ? all : List.copyOf(files);
    Set<String> seen = new HashSet<>();
    for (String f : chosen) {
      if (!all.contains(f)) {
        throw new BadInputException(
            "no fortune file '" + f + "' in " + sourceDir + " (available: " + String.join(", ", all) + ")");
      }
      if (!seen.add(f)) {
        // read twice, its fortunes would land in train and in valid or test alike
        throw new BadInputException("fortune file '" + f + "' is named twice");
      }
    }
    if (chosen.isEmpty()) {
      throw new BadInputException(sourceDir + ": holds no fortune files");
    }
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new BadInputException(outDir + ": a file is in the way; the corpus needs a folder");
    }
    List<List<String>> fortunes = new ArrayList<>();
    for (String f : chosen) {
      read(sourceDir.resolve(f), fortunes);
    }
    if (fortunes.size() < TextCorpus.SPLIT_PERIOD) {
      throw new BadInputException(
          String.join(", ", chosen) + " in " + sourceDir + ": " + fortunes.size()
              + " fortunes are too few: fortunes 19 and 20 of every 20 go to valid and test, so at least "
              + TextCorpus.SPLIT_PERIOD + " are needed");
    }
    // word counts in order of first appearance, so a stable sort breaks ties by it
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < fortunes.size(); i++) {
      if (split(i) == 0) {
        for (String w : fortunes.get(i)) {
          counts.merge(w, 1, Integer::sum);
        }
      }
    }
    Set<String> kept = new HashSet<>();
    counts.entrySet().stream()
        .sorted(Comparator.comparing(Map.Entry<String, Integer>::getValue).reversed())
        .limit(vocabulary)
        .forEach(e -> kept.add(e.getKey()));
    StringBuilder[] text = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
    long trainTokens = 0;
    for (int i = 0; i < fortunes.size(); i++) {
      StringBuilder b = text[split(i)];
      List<String> words = fortunes.get(i);
      for (int k = 0; k < words.size(); k++) {
        b.append(k == 0 ? "" : " ").append(kept.contains(words.get(k)) ? words.get(k) : Vocabulary.UNK);
      }
      b.append('\n');
      if (split(i) == 0) {
        trainTokens += words.size() + 1;
      }
    }
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new BadInputException("cannot create the corpus folder " + outDir + ": " + AtomicFiles.describe(e), e);
    }
    String[] names = {"train.txt", "valid.txt", "test.txt"};
    for (int k = 0; k < 3; k++) {
      AtomicFiles.write(outDir.resolve(names[k]), text[k].toString().getBytes(StandardCharsets.UTF_8));
    }
    return new Written(outDir, fortunes.size(), trainTokens, kept.size() + 2);
  }

  /** 0 train, 1 valid, 2 test. */
  private static int split(int i) {
    int r = i % TextCorpus.SPLIT_PERIOD;
    return r == TextCorpus.SPLIT_PERIOD - 2 ? 1 : r == TextCorpus.SPLIT_PERIOD - 1 ? 2 : 0;
  }

  /** Adds the tokens of each fortune of {@code file} that has any to {@code out}. */
  private static void read(Path file, List<List<String>> out) {
    String text;
    try {
      // the package's files are UTF-8; a stray byte becomes U+FFFD, which the tokenizer drops
      text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
    }
    StringBuilder fortune = new StringBuilder();
    for (String line : text.split("\r?\n", -1)) {
      if (line.strip().equals("%")) {
        add(fortune, out);
        fortune.setLength(0);
      } else {
        fortune.append(line).append('\n');
      }
    }
    add(fortune, out);
  }

  private static void add(CharSequence fortune, List<List<String>> out) {
    List<String> tokens = tokens(fortune.toString());
    if (!tokens.isEmpty()) {
      out.add(tokens);
    }
  }

  /** Lowercased tokens of a text: words, "N" for each number, single punctuation marks. */
  static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      tokens.add(m.group(1) != null ? "N" : m.group());
    }
    return tokens;
  }
}
