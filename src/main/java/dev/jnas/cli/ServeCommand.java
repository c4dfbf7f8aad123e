package dev.jnas.cli;

import dev.jnas.web.Dashboard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    mixinStandardHelpOptions = true,
    name = "serve",
    description = {
      "Serve a read-only dashboard of experiments in the browser, live while searches run.",
      "Without arguments it serves every experiment under ./experiments. Bound to 127.0.0.1; --host"
          + " makes it reachable from elsewhere and then needs --token (or JNAS_DASHBOARD_TOKEN), which every"
          + " request must carry: open http://HOST:PORT/?token=TOKEN once. Ctrl-C stops it."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", description = "one experiment folder to serve")
  Path dir;

  @Option(names = "--root", paramLabel = "FOLDER", description = "serve every experiment under FOLDER (default: experiments)")
  Path root;

  @Option(names = "--port", defaultValue = "" + Dashboard.DEFAULT_PORT, description = "port (default: ${DEFAULT-VALUE}; 0: any free port)")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--token", description = "secret every request must carry (default: $JNAS_DASHBOARD_TOKEN)")
  String token;

  @Override
  public Integer call() throws InterruptedException {
    if (dir != null && root != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give an experiment folder or --root, not both");
    }
    String secret = token != null ? token : System.getenv("JNAS_DASHBOARD_TOKEN");
    if (secret != null && secret.isEmpty()) {
      secret = null;
    }
    Dashboard.Settings settings = dir != null
        ? new Dashboard.Settings(dir, false, host, port, secret)
        : new Dashboard.Settings(root != null ? root : Path.of("experiments"), true, host, port, secret);
    Dashboard d = Dashboard.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      d.close();
      stopped.countDown();
    }, "jnas-dashboard-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("jnas dashboard: " + d.url() + (secret != null ? "?token=<your token>" : "") + "  (read-only; Ctrl-C stops it)");
    out.flush();
    stopped.await();
    return 0;
  }
}
