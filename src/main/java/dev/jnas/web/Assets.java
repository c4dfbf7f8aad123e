package dev.jnas.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's files, read from the class path once: jnas's own pages, script and style
 * ({@code src/main/resources/web}) and ECharts from its WebJar, whose version is read from the
 * WebJar's Maven metadata so a dependency update needs no code change.
 */
final class Assets {
  /** The files a page may request, by the name under {@code /assets/}, with their media types. */
  static final Map<String, String> SERVED = Map.of(
      "app.js", "text/javascript",
      "style.css", "text/css",
      "echarts.min.js", "text/javascript");

  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private Assets() {}

  /** The text of asset {@code name} (one of {@link #SERVED}, or a page template). */
  static String text(String name) {
    return CACHE.computeIfAbsent(name, n -> read(n.equals("echarts.min.js") ? echartsPath() : "web/" + n));
  }

  private static String echartsPath() {
    Properties p = new Properties();
    try (InputStream in = resource("META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "META-INF/resources/webjars/echarts/" + p.getProperty("version") + "/dist/echarts.min.js";
  }

  private static String read(String path) {
    try (InputStream in = resource(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String path) throws IOException {
    InputStream in = Assets.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IOException("class-path resource " + path + " is missing from this jnas build");
    }
    return in;
  }
}
