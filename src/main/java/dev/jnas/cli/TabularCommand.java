package dev.jnas.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "tabular", description = "Simulate many searches over a tabular benchmark.")
final class TabularCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
