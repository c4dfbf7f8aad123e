package dev.jnas.cluster;

import dev.jnas.util.BadInputException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How this process joins a jnas cluster.
 *
 * @param join the discovery addresses of the cluster's machines, {@code HOST:PORT}; a node on a
 *     host listens on the first free port of {@code PORT..PORT+9}, so several nodes share a host
 * @param host the address this node listens on and announces (null: the first join host that is
 *     an address of this machine, else every interface)
 * @param port this node's first discovery port (its range is {@code port..port+9})
 * @param slots trials this node runs at once for any experiment (0: none, a coordinator only)
 * @param name how this node appears in {@code jnas show} (host:pid when not given)
 * @param secret the cluster's shared secret, or null: nodes that do not know it are refused
 * @param tls key and trust stores for TLS between nodes, or null for plain TCP
 */
public record ClusterSettings(
    List<Address> join, String host, int port, int slots, String name, String secret, Tls tls) {

  /** Ignite's default discovery port. */
  public static final int DEFAULT_PORT = 47500;
  /** Ports per host a node may take: {@code PORT..PORT+9}. */
  public static final int PORT_RANGE = 10;
  public static final int MAX_SLOTS = 256;

  public ClusterSettings {
    join = List.copyOf(join);
    if (join.isEmpty()) {
      throw new BadInputException("--join/--cluster: give at least one HOST:PORT");
    }
    if (slots < 0 || slots > MAX_SLOTS) {
      throw new BadInputException("--slots " + slots + ": must be in 0.." + MAX_SLOTS);
    }
    if (port < 1 || port > 65535 - PORT_RANGE) {
      throw new BadInputException("--port " + port + ": must be in 1.." + (65535 - PORT_RANGE));
    }
  }

  /** A discovery address. */
  public record Address(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /**
   * TLS between nodes (Ignite's SSL context factory, PKCS12 stores as {@code keytool} makes them).
   *
   * @param password of both stores (from the environment, never a flag: flags show in {@code ps})
   */
  public record Tls(Path keyStore, Path trustStore, char[] password) {
    public Tls {
      for (Path p : List.of(keyStore, trustStore)) {
        if (!Files.isReadable(p)) {
          throw new BadInputException("TLS store " + p + " does not exist or cannot be read");
        }
      }
    }
  }

  /**
   * Parses {@code HOST[:PORT],HOST[:PORT]...}; {@code flag} names the option in errors.
   */
  public static List<Address> parseAddresses(String flag, String list) {
    List<Address> out = new ArrayList<>();
    if (list == null || list.isBlank()) {
      throw new BadInputException(flag + ": give at least one HOST:PORT");
    }
    for (String part : list.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new BadInputException(flag + " " + list + ": an empty address between commas");
      }
      String host = p;
      int port = DEFAULT_PORT;
      int colon = p.lastIndexOf(':');
      if (colon >= 0) {
        host = p.substring(0, colon);
        String ps = p.substring(colon + 1);
        try {
          port = Integer.parseInt(ps);
        } catch (NumberFormatException e) {
          throw new BadInputException(flag + " " + p + ": the port '" + ps + "' is not a number");
        }
        if (port < 1 || port > 65535) {
          throw new BadInputException(flag + " " + p + ": the port must be in 1..65535");
        }
      }
      if (host.isEmpty() || !host.matches("[A-Za-z0-9._\\-\\[\\]:]+")) {
        throw new BadInputException(flag + " " + p + ": '" + host + "' is not a host name or address");
      }
      out.add(new Address(host, port));
    }
    return out;
  }

  /** The join hosts resolved to addresses; a host that does not resolve is an error naming it. */
  public List<InetAddress> joinAddresses() {
    List<InetAddress> out = new ArrayList<>();
    for (Address a : join) {
      try {
        for (InetAddress i : InetAddress.getAllByName(a.host())) {
          out.add(i);
        }
      } catch (UnknownHostException e) {
        throw new BadInputException("cluster address " + a + ": host '" + a.host() + "' is unknown");
      }
    }
    return out;
  }

  /** The address to listen on: {@link #host}, else the first join address that is this machine's. */
  public String listenHost() {
    if (host != null) {
      return host;
    }
    for (InetAddress a : joinAddresses()) {
      if (a.isLoopbackAddress()) {
        return a.getHostAddress();
      }
      try {
        if (java.net.NetworkInterface.getByInetAddress(a) != null) {
          return a.getHostAddress();
        }
      } catch (java.net.SocketException e) {
        // not ours
      }
    }
    return null;
  }
}
