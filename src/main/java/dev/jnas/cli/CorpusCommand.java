package dev.jnas.cli;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Folders;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jnas corpus ...}: writes language-modelling corpora ({@code grammar}, {@code fortunes}). */
@Command(
    name = "corpus",
    mixinStandardHelpOptions = true,
    description = "Write a language-modelling corpus (train.txt, valid.txt, test.txt in the Penn Treebank format).",
    subcommands = {CorpusGrammarCommand.class, CorpusFortunesCommand.class})
final class CorpusCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing corpus command (grammar, fortunes)");
  }

  /** Rejects an --output that is a file or has a name no file system accepts, before any work. */
  static void checkOutput(Path output) {
    if (Files.exists(output) && !Files.isDirectory(output)) {
      throw new BadInputException("--output " + output + " is a file; give a folder");
    }
    Folders.checkNames(output, "--output folder");
  }
}
