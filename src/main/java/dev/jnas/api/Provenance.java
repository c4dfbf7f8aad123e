package dev.jnas.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.util.Json;

/** Versions and machine facts recorded with every experiment (reproducibility). */
final class Provenance {
  private Provenance() {}

  /**
   * @param usesEngine whether the experiment runs libtorch: only then is the engine asked for its
   *     version (starting it costs a third of a second and its threads)
   */
  static ObjectNode json(long seed, boolean usesEngine) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("jnas", String.valueOf(Provenance.class.getPackage().getImplementationVersion()));
    o.put("java", System.getProperty("java.version"));
    o.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    o.put("cores", Runtime.getRuntime().availableProcessors());
    o.put("cpu", cpuModel());
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      o.put("memory_gib", Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0);
    }
    o.put("djl", ai.djl.engine.Engine.getDjlVersion());
    if (usesEngine) {
      ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
      // what the loaded native library reports, not the version jnas was built against
      o.put("engine", engine.getEngineName());
      o.put("pytorch", engine.getVersion());
      o.put("device", engine.defaultDevice().toString());
    } else {
      o.put("pytorch", "not used");
    }
    o.put("seed", seed);
    return o;
  }

  /** The processor's model name (Linux), or the architecture where it cannot be read. */
  static String cpuModel() {
    try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
          .orElse(System.getProperty("os.arch"));
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return System.getProperty("os.arch");
    }
  }
}
