package dev.jnas.cli;

import dev.jnas.data.text.FortunesCorpus;
import dev.jnas.util.BadInputException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jnas corpus fortunes}: a word corpus from the files of Debian's fortunes package. */
@Command(
    name = "fortunes",
    mixinStandardHelpOptions = true,
    description = {
      "Turn fortune files (Debian's fortunes package) into a word corpus: one fortune per line, lowercased,"
          + " numbers as N, the most frequent training words kept and the rest written <unk>;"
          + " every 20th fortune goes to valid.txt, the next to test.txt."
    })
final class CorpusFortunesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "folder to write the three files to (created when missing)")
  Path output;

  @Option(names = "--source", paramLabel = "DIR", description = "folder of fortune files (default: ${DEFAULT-VALUE})")
  Path source = FortunesCorpus.DEFAULT_DIR;

  @Option(names = "--files", split = ",", paramLabel = "NAME", description = "fortune files to use, e.g. computers,cookie (default: all)")
  List<String> files = new ArrayList<>();

  @Option(names = "--vocabulary", defaultValue = "10000", description = "most frequent training words kept, the rest written <unk> (default: ${DEFAULT-VALUE})")
  int vocabulary;

  @Override
  public Integer call() {
    if (vocabulary < 1) {
      throw new BadInputException("--vocabulary must keep at least 1 word, got " + vocabulary);
    }
    if (!Files.isDirectory(source)) {
      throw new BadInputException(
          "--source " + source + ": no such folder; install Debian's fortunes package: apt-get install fortunes");
    }
    List<String> available = FortunesCorpus.available(source);
    for (int i = 0; i < files.size(); i++) {
      String f = files.get(i);
      if (!available.contains(f)) {
        throw new BadInputException(
            "--files: no fortune file '" + f + "' in " + source + " (available: " + String.join(", ", available) + ")");
      }
      if (files.subList(0, i).contains(f)) {
        throw new BadInputException("--files: '" + f + "' is named twice");
      }
    }
    CorpusCommand.checkOutput(output);
    FortunesCorpus.Written w = FortunesCorpus.write(source, files, vocabulary, output);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "wrote %s: train.txt, valid.txt, test.txt from %d fortunes of %s%n",
        w.dir(), w.fortunes(), files.isEmpty() ? "all " + available.size() + " files in " + source : String.join(", ", files));
    o.printf(Locale.ROOT, "training tokens: %d (one <eos> per fortune included)%n", w.trainTokens());
    o.printf(Locale.ROOT, "vocabulary: %d (%d words kept + <unk> + <eos>)%n", w.vocabulary(), w.vocabulary() - 2);
    return 0;
  }
}
