package dev.jnas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.evaluate.TrialResult;
import dev.jnas.evaluate.TrialStatus;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.view.ExperimentView;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    mixinStandardHelpOptions = true,
    name = "show",
    description = "Show an experiment's status and trials (reads only: a running or read-only experiment can be shown).")
final class ShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", description = "experiment folder")
  Path dir;

  @Option(names = "--json", description = "machine-readable: status and every trial with metrics and error")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException("experiment folder " + dir + " does not exist");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(dir)) {
      if (json) {
        out.println(Json.MAPPER.writeValueAsString(ExperimentView.document(s, dir)));
        return 0;
      }
      var info = s.experiment().orElseThrow(() -> new BadInputException(dir + " holds no experiment"));
      List<TrialRecord> trials = s.trials();
      var ranOn = s.trialWorkers(); // cluster runs only
      String status = ExperimentView.status(info.status(), dir);
      // a language model's reward is 1 / validation perplexity: shown as the perplexity it stands for
      boolean lm = ExperimentView.isLanguageModel(info.config());
      long pruned = trials.stream().filter(t -> t.status() == TrialStatus.PRUNED).count();
      out.printf(Locale.ROOT, "experiment %s: %s, %d trials%s%n", info.name(), status, trials.size(),
          pruned > 0 ? " (" + pruned + " pruned by early stopping)" : "");
      if (status.equals(ExperimentView.INTERRUPTED)) {
        out.println("stopped while " + info.status() + " (no process runs it); resume with: jnas resume " + dir);
      }
      int wWidth = ranOn.values().stream().mapToInt(w -> w.worker().length()).max().orElse(0);
      String wHead = ranOn.isEmpty() ? "" : String.format(Locale.ROOT, "%-" + Math.max(6, wWidth) + "s  %8s  ", "worker", "seconds");
      out.printf(Locale.ROOT, "%5s  %-9s  %8s  %8s  %10s  %s%s%n", "id", "status", "reward", lm ? "val_ppl" : "val_acc", "params",
          wHead, "architecture / error");
      for (TrialRecord t : trials) {
        TrialResult r = t.result();
        String tail = r != null && r.error() != null ? t.architecture() + "  ! " + r.error() : t.architecture();
        if (t.status() == TrialStatus.PRUNED) {
          tail += "  (stopped after epoch " + r.epochs().size() + ")";
        }
        if (t.lineage() != null) {
          tail += "  " + lineage(t.lineage());
        }
        String wCols = "";
        if (!ranOn.isEmpty()) {
          var w = ranOn.get(t.id());
          String who = w == null ? "-" : w.worker() + (w.attempts() > 1 ? " (" + w.attempts() + " attempts)" : "");
          wCols = String.format(Locale.ROOT, "%-" + Math.max(6, wWidth) + "s  %8s  ", who,
              r == null ? "-" : fmt(ExperimentView.elapsed(t)));
        }
        out.printf(Locale.ROOT, "%5d  %-9s  %8s  %8s  %,10d  %s%s%n", t.id(), t.status(),
            r == null ? "-" : fmt(r.reward()), r == null ? "-" : fmt(lm ? 1 / r.reward() : r.valAccuracy()),
            r == null ? 0 : r.params(), wCols, tail);
      }
      if (!ranOn.isEmpty()) {
        out.println("workers (speed: measured GFLOP/s of a float32 matrix product; seconds: from a trial's start to its result):");
        out.printf(Locale.ROOT, "  %-" + Math.max(6, wWidth) + "s  %5s  %8s  %6s  %14s%n", "worker", "slots", "GFLOP/s", "trials", "mean seconds");
        for (ExperimentView.WorkerRow row : ExperimentView.workerRows(trials, ranOn, s.workers())) {
          out.printf(Locale.ROOT, "  %-" + Math.max(6, wWidth) + "s  %5s  %8s  %6d  %14s%n", row.name(),
              row.info().path("slots").asText("-"), row.info().has("gflops") ? row.info().path("gflops").asText() : "-",
              row.trials(), fmt(row.meanSeconds()));
        }
      }
      JsonNode oneShot = ExperimentView.oneShot(info.config(), s);
      if (oneShot != null) {
        List<EpochMetrics> metrics = trials.isEmpty() ? List.of() : s.epochs(trials.get(0).id());
        out.printf(Locale.ROOT, "one-shot search (%s), supernet epochs:%n", oneShot.path("method").asText());
        if (lm) {
          out.printf(Locale.ROOT, "%6s  %9s  %9s  %8s  %s%n", "epoch", "train_ppl", "valid_ppl", "updates", "derived cell");
          int k = 0;
          for (JsonNode e : oneShot.path("epochs")) {
            EpochMetrics m = k < metrics.size() ? metrics.get(k) : null;
            k++;
            out.printf(Locale.ROOT, "%6d  %9s  %9s  %8d  %s%s%n", e.path("epoch").asInt(), m == null ? "-" : fmt(Math.exp(m.trainLoss())),
                m == null ? "-" : fmt(Math.exp(m.valLoss())), e.path("controller_updates").asInt(), e.path("architecture").asText(),
                e.has("stopped") ? "  (stopped: " + e.path("stopped").asText() + ")" : "");
          }
        } else {
          out.printf(Locale.ROOT, "%6s  %8s  %8s  %5s  %7s  %s%n", "epoch", "loss", "val_acc", "skips", "entropy", "derived architecture");
          int i = 0;
          for (JsonNode e : oneShot.path("epochs")) {
            EpochMetrics m = i < metrics.size() ? metrics.get(i) : null;
            i++;
            out.printf(Locale.ROOT, "%6d  %8s  %8s  %5d  %7s  %s%s%n", e.path("epoch").asInt(),
                m == null ? "-" : fmt(m.trainLoss()), m == null ? "-" : fmt(m.valAccuracy()), e.path("skips").asInt(),
                e.has("mean_entropy") ? fmt(e.path("mean_entropy").asDouble()) : "-", e.path("architecture").asText(),
                e.has("stopped") ? "  (stopped: " + e.path("stopped").asText() + ")" : "");
          }
        }
        if (oneShot.has("latency")) {
          JsonNode l = oneShot.path("latency");
          out.printf(Locale.ROOT, "latency of the derived network: %.3f ms predicted by the table, %.3f ms measured%n",
              l.path("predicted_ms").asDouble(), l.path("measured_ms").asDouble());
        }
      }
      ArrayNode levels = ExperimentView.pnasLevels(s);
      if (levels != null) {
        out.println("pnas levels (Spearman rank correlation of the predictor, as PNAS's Table 1):");
        out.println("  rho_fit: fitted after level b, on the trained cells of levels 1..b;"
            + " rho_predicted: the predictions that chose level b's cells, before they were trained");
        out.printf(Locale.ROOT, "%6s  %6s  %7s  %8s  %8s  %13s%n", "level", "cells", "trained", "best", "rho_fit", "rho_predicted");
        for (JsonNode l : levels) {
          out.printf(Locale.ROOT, "%6d  %6d  %7d  %8s  %8s  %13s%n", l.path("level").asInt(), l.path("cells").asInt(),
              l.path("trained").asInt(), fmt(l.path("best")), fmt(l.path("rho_fit")), fmt(l.path("rho_predicted")));
        }
      }
      ExperimentRunner.best(trials).ifPresent(b -> out.println("best: trial " + b.id() + " " + b.architecture()));
      return 0;
    }
  }

  /**
   * A morphism search's trial lineage in a few words: {@code <- trial 4: widen c2 48, deepen c3 3
   * (val_acc before training 0.8123)} (the morphisms' fields in order, seeds left out), or {@code
   * (start network)}.
   */
  static String lineage(String json) {
    try {
      JsonNode l = Json.MAPPER.readTree(json);
      List<String> ms = new java.util.ArrayList<>();
      for (JsonNode m : l.path("morphisms")) {
        StringBuilder b = new StringBuilder(m.path("op").asText());
        m.fields().forEachRemaining(f -> {
          if (!f.getKey().equals("op") && !f.getKey().equals("seed")) {
            b.append(' ').append(f.getValue().asText());
          }
        });
        ms.add(b.toString());
      }
      String what = ms.isEmpty() ? "" : ": " + String.join(", ", ms);
      String from = l.has("start_accuracy") && l.hasNonNull("parent")
          ? String.format(Locale.ROOT, " (val_acc before training %.4f)", l.get("start_accuracy").asDouble())
          : "";
      return l.hasNonNull("parent")
          ? "<- trial " + l.get("parent").asLong() + (ms.isEmpty() ? " trained on" : what) + from
          : "(start network" + (ms.isEmpty() ? "" : " changed" + what) + ")";
    } catch (java.io.IOException e) {
      return "(lineage unreadable: " + e.getMessage() + ")";
    }
  }

  private static String fmt(JsonNode v) {
    return v.isNumber() ? fmt(v.doubleValue()) : "-";
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
  }

}
