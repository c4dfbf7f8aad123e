package dev.jnas.cli;

import dev.jnas.web.HtmlReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    mixinStandardHelpOptions = true,
    name = "report",
    description = "Write an experiment's report.html again (self-contained: opens offline). Every finished search writes one.")
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", description = "experiment folder")
  Path dir;

  @Override
  public Integer call() {
    Path out = HtmlReport.write(dir);
    spec.commandLine().getOut().println("report: " + out.toAbsolutePath());
    return 0;
  }
}
