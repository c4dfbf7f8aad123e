package dev.jnas.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which jnas build this process runs: a digest of jnas's class files (names and bytes), so two
 * builds of the same sources agree however their jars were stamped. Nodes of one cluster must run
 * the same build: jobs and entry processors are jnas classes that every node loads from its own
 * jar, and another build would fail them obscurely.
 */
final class BuildId {
  private static volatile String current;

  private BuildId() {}

  /** This process's build id (first 16 hex digits), or "unknown" when the classes cannot be read. */
  static String current() {
    String c = current;
    if (c == null) {
      c = compute();
      current = c;
    }
    return c;
  }

  private static String compute() {
    try {
      Path source = Path.of(BuildId.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      if (Files.isDirectory(source)) {
        List<Path> classes;
        try (Stream<Path> s = Files.walk(source.resolve("dev/jnas"))) {
          classes = s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        for (Path p : classes) {
          md.update(source.relativize(p).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
          md.update(Files.readAllBytes(p));
        }
      } else {
        try (JarFile jar = new JarFile(source.toFile())) {
          List<String> names = new ArrayList<>();
          jar.stream().filter(e -> e.getName().startsWith("dev/jnas/") && e.getName().endsWith(".class"))
              .forEach(e -> names.add(e.getName()));
          names.sort(null);
          for (String n : names) {
            md.update(n.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (InputStream in = jar.getInputStream(jar.getEntry(n))) {
              md.update(in.readAllBytes());
            }
          }
        }
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (IOException | URISyntaxException | NoSuchAlgorithmException | RuntimeException e) {
      return "unknown";
    }
  }
}
