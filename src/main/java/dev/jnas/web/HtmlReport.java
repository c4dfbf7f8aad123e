package dev.jnas.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.Json;
import dev.jnas.view.ExperimentView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An experiment's {@code report.html}: the dashboard's experiment page as one file that opens
 * offline, with its data, ECharts, jnas's script and style and the diagrams of the top 10 trials
 * (and the best) inside it. Nothing is fetched from anywhere when it is opened.
 */
public final class HtmlReport {
  /** The report's file name in an experiment folder. */
  public static final String FILE = "report.html";
  private static final int DIAGRAMS = 10;

  private HtmlReport() {}

  /**
   * Writes (atomically) {@code report.html} into experiment folder {@code dir} and returns its path.
   *
   * @throws dev.jnas.util.BadInputException when the folder holds no experiment
   */
  public static Path write(Path dir) {
    ObjectNode doc = ExperimentView.read(dir);
    Path out = dir.resolve(FILE);
    AtomicFiles.write(out, html(doc, diagrams(doc)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return out;
  }

  /** The diagrams of the best and the top-10 completed trials, by trial id; those that cannot be drawn are left out. */
  static ObjectNode diagrams(JsonNode doc) {
    List<JsonNode> ranked = new ArrayList<>();
    doc.path("trials").forEach(t -> {
      if (t.path("status").asText().equals("COMPLETE") && t.path("metrics").path("reward").isNumber()) {
        ranked.add(t);
      }
    });
    ranked.sort(Comparator.comparingDouble((JsonNode t) -> -t.path("metrics").path("reward").asDouble())
        .thenComparingLong(t -> t.path("id").asLong()));
    // the page's top-10 table lists distinct architectures, each by its first trial of the best reward
    java.util.Set<String> distinct = new java.util.HashSet<>();
    List<JsonNode> chosen = new ArrayList<>();
    for (JsonNode t : ranked) {
      if (chosen.size() < DIAGRAMS && distinct.add(t.path("architecture").asText())) {
        chosen.add(t);
      }
    }
    doc.path("trials").forEach(t -> {
      if (doc.has("best_trial") && t.path("id").asLong() == doc.path("best_trial").asLong() && !chosen.contains(t)) {
        chosen.add(t);
      }
    });
    Diagrams d = new Diagrams();
    ObjectNode out = Json.MAPPER.createObjectNode();
    for (JsonNode t : chosen) {
      try {
        out.put(t.path("id").asText(), d.svg(doc.path("config"), t.path("architecture").asText()));
      } catch (RuntimeException e) {
        // a space this machine cannot make (e.g. a table that is not here): the report goes without that diagram
      }
    }
    return out;
  }

  static String html(JsonNode doc, JsonNode diagrams) {
    String name = doc.path("name").asText();
    StringBuilder b = new StringBuilder(1 << 20);
    b.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(name)).append(" · jnas report</title>\n")
        .append("<link rel=\"icon\" href=\"data:,\">\n<style>\n").append(Assets.text("style.css")).append("</style>\n</head>\n")
        .append("<body data-page=\"report\">\n<header><span class=\"brand\">jnas</span><span class=\"sub\">report of ")
        .append(escape(name)).append("</span></header>\n<main id=\"app\"></main>\n")
        .append("<script type=\"application/json\" id=\"jnas-data\">").append(scriptJson(doc)).append("</script>\n")
        .append("<script type=\"application/json\" id=\"jnas-diagrams\">").append(scriptJson(diagrams)).append("</script>\n")
        .append("<script>").append(scriptText(Assets.text("echarts.min.js"))).append("</script>\n")
        .append("<script>").append(scriptText(Assets.text("app.js"))).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  /** JSON that cannot end its script element early: every {@code <} is written as the JSON escape. */
  static String scriptJson(JsonNode node) {
    try {
      return Dashboard.COMPACT.writeValueAsString(node).replace("<", "\\u003c");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String scriptText(String js) {
    if (js.toLowerCase(java.util.Locale.ROOT).contains("</script")) {
      throw new IllegalStateException("a script to inline contains </script");
    }
    return js;
  }

  /** HTML text escaping (Guava's, already on the class path through ELK). */
  static String escape(String s) {
    return com.google.common.html.HtmlEscapers.htmlEscaper().escape(s);
  }
}
