package dev.jnas.cli;

import dev.jnas.cluster.ClusterSettings;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The flags every cluster node takes (worker, and search/resume with --cluster). */
final class ClusterOptions {
  /** Environment variable holding the cluster's shared secret (when --secret-file is not given). */
  static final String SECRET_ENV = "JNAS_CLUSTER_SECRET";
  /** Environment variable holding the TLS stores' password. */
  static final String TLS_PASSWORD_ENV = "JNAS_TLS_PASSWORD";

  @Option(names = "--host", paramLabel = "ADDRESS",
      description = "the address this node listens on and announces (default: the join address that is this machine's)")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ClusterSettings.DEFAULT_PORT,
      description = "first discovery port of this node; it takes the first free one of PORT..PORT+9 (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--name", paramLabel = "NAME", description = "this node's name in jnas show (default: host:pid)")
  String name;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "file whose first line is the cluster's shared secret (or set " + SECRET_ENV + "); nodes without it are refused")
  Path secretFile;

  @Option(names = "--tls-keystore", paramLabel = "FILE", description = "PKCS12 key store: TLS between nodes (password in " + TLS_PASSWORD_ENV + ")")
  Path keyStore;

  @Option(names = "--tls-truststore", paramLabel = "FILE", description = "PKCS12 trust store of the cluster's certificates")
  Path trustStore;

  ClusterSettings settings(String flag, String join, int slots) {
    if (name != null && (name.isBlank() || name.contains("=") || name.length() > 100)) {
      throw new BadInputException("--name '" + name + "': must be 1..100 characters without '='");
    }
    return new ClusterSettings(ClusterSettings.parseAddresses(flag, join), host, port, slots, name, secret(), tls());
  }

  private String secret() {
    if (secretFile != null) {
      try {
        String s = Files.readAllLines(secretFile).stream().findFirst().orElse("").strip();
        if (s.isEmpty()) {
          throw new BadInputException("--secret-file " + secretFile + ": the first line is empty");
        }
        return s;
      } catch (IOException e) {
        throw new BadInputException("--secret-file " + secretFile + ": cannot be read (" + e.getMessage() + ")");
      }
    }
    String env = System.getenv(SECRET_ENV);
    return env == null || env.isBlank() ? null : env.strip();
  }

  private ClusterSettings.Tls tls() {
    if (keyStore == null && trustStore == null) {
      return null;
    }
    if (keyStore == null || trustStore == null) {
      throw new BadInputException("TLS needs both --tls-keystore and --tls-truststore");
    }
    String password = System.getenv(TLS_PASSWORD_ENV);
    if (password == null || password.isEmpty()) {
      throw new BadInputException("TLS needs the stores' password in the environment variable " + TLS_PASSWORD_ENV);
    }
    return new ClusterSettings.Tls(keyStore, trustStore, password.toCharArray());
  }
}
