package dev.jnas.cli;

import dev.jnas.util.BadInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jnas} command line. Exit codes: 0 success, 1 failure, 2 bad input or usage. */
@Command(
    name = "jnas",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Neural architecture search for the JVM.",
    subcommands = {
      SearchCommand.class,
      ResumeCommand.class,
      WorkerCommand.class,
      ListCommand.class,
      ShowCommand.class,
      CompareCommand.class,
      ServeCommand.class,
      ReportCommand.class,
      ExportCommand.class,
      PredictCommand.class,
      TabularCommand.class,
      BenchCommand.class,
      NeedsDataCommand.class,
      LatencyTableCommand.class,
      CorpusCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static final int BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (search, resume, worker, list, show, serve, report, export, predict, compare, tabular, bench, latency-table, corpus)");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (tests call this in-process). */
  public static int run(String... args) {
    return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          Throwable t = ex;
          if (t instanceof BadInputException) {
            cmd.getErr().println("jnas: error: " + t.getMessage());
            return BAD_INPUT;
          }
          // jnas's own failures carry a message for the user; anything else is a bug: show its type
          cmd.getErr().println("jnas: failed: " + (t instanceof dev.jnas.util.NasException && t.getMessage() != null ? t.getMessage() : t.toString()));
          if (System.getenv("JNAS_DEBUG") != null) {
            t.printStackTrace(cmd.getErr());
          }
          return 1;
        });
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"jnas " + Main.class.getPackage().getImplementationVersion()};
    }
  }
}
