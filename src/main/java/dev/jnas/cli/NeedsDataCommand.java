package dev.jnas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.experiment.ExperimentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * For the launcher: prints {@code fashion-mnist} when the config trains on Debian's Fashion-MNIST
 * (its default folder) and that folder is missing, so the launcher can install the package. Decided
 * from the parsed config, not from its text (a comment naming the dataset must not count).
 * Prints nothing for a config it cannot read: the search itself reports that.
 */
@Command(name = "needs-data", hidden = true, description = "(for the launcher) the Debian dataset a config needs and lacks")
final class NeedsDataCommand implements Callable<Integer> {
  static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true)
  Path config;

  @Override
  public Integer call() {
    try {
      if (needsDebianFashionMnist(ExperimentConfig.load(config), DEBIAN_FASHION_MNIST)) {
        spec.commandLine().getOut().println("fashion-mnist");
      }
    } catch (RuntimeException unreadable) {
      // the search reports it
    }
    return 0;
  }

  /** @param debian where Debian's package puts the files (a parameter for tests) */
  static boolean needsDebianFashionMnist(ExperimentConfig c, Path debian) {
    JsonNode ev = c.evaluator();
    if (!"training".equals(ev.path("type").asText())) {
      return false;
    }
    String dataset = ev.path("dataset").asText("fashion-mnist").toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    if (!dataset.equals("fashion-mnist") && !dataset.equals("fashionmnist")) {
      return false;
    }
    Path dir = ev.hasNonNull("data_dir") ? c.resolve(ev.get("data_dir").asText()) : debian;
    return dir.toAbsolutePath().normalize().equals(debian.toAbsolutePath().normalize()) && !Files.isDirectory(dir);
  }
}
