package dev.jnas.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jnas bench ...}: performance measurements ({@code train}, {@code supernet}, {@code trials},
 * ...) and what they run on ({@code sample}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure jnas's performance.",
    subcommands = {
      BenchTrainCommand.class, BenchSupernetCommand.class, BenchSampleCommand.class, BenchTrialsCommand.class,
      BenchMorphismsCommand.class, BenchLmCommand.class
    })
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing bench command (train, supernet, sample, trials, morphisms, lm)");
  }
}
