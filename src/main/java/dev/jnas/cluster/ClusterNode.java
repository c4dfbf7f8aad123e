package dev.jnas.cluster;

import dev.jnas.util.BadInputException;
import dev.jnas.util.Folders;
import dev.jnas.util.NasException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.StopNodeFailureHandler;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.apache.ignite.ssl.SslContextFactory;

/**
 * This process's node in a jnas cluster: an embedded Apache Ignite server node configured so that
 * it contacts nothing but the join list (no update check, no client or REST ports), stops itself
 * rather than the JVM on a critical failure, keeps its small in-memory caches in small data regions
 * and its work files in a temporary folder, and lets in only nodes that {@link JoinGuard} accepts.
 *
 * <p>Every node announces {@value #SLOTS} (trials it runs at once), {@value #NAME} and {@value
 * #GFLOPS} (its measured speed) as attributes and hosts a {@link WorkerRuntime}, so a coordinator
 * started with slots is a worker too.
 */
public final class ClusterNode implements AutoCloseable {
  static final String SLOTS = "jnas.slots";
  static final String NAME = "jnas.name";
  static final String GFLOPS = "jnas.gflops";
  static final String ROLE = "jnas.role";
  /** Replicated caches every node holds (see {@link ClusterExecutor} for what they carry). */
  static final String COORDINATORS = "jnas-coordinators";
  static final String RESULTS = "jnas-results";
  static final String RUNNING = "jnas-running";

  /** Packages Ignite's documented Java 17 set opens to it (the launcher passes the same). */
  private static final List<String> OPENS = List.of(
      "java.base/jdk.internal.access", "java.base/jdk.internal.misc", "java.base/sun.nio.ch", "java.base/sun.util.calendar",
      "java.management/com.sun.jmx.mbeanserver", "jdk.internal.jvmstat/sun.jvmstat.monitor",
      "java.base/sun.reflect.generics.reflectiveObjects", "jdk.management/com.sun.management.internal", "java.base/java.io",
      "java.base/java.nio", "java.base/java.net", "java.base/java.util", "java.base/java.util.concurrent",
      "java.base/java.util.concurrent.locks", "java.base/java.util.concurrent.atomic", "java.base/java.lang",
      "java.base/java.lang.invoke", "java.base/java.math", "java.sql/java.sql", "java.base/java.lang.reflect",
      "java.base/java.time", "java.base/java.text", "java.management/sun.management", "java.desktop/java.awt.font");

  /** The JVM flags a process that starts a cluster node needs (what {@code ./jnas} passes). */
  public static List<String> jvmFlags() {
    List<String> flags = new ArrayList<>();
    OPENS.forEach(o -> flags.add("--add-opens=" + o + "=ALL-UNNAMED"));
    flags.add("-DIGNITE_UPDATE_NOTIFIER=false");
    return flags;
  }


  private final Ignite ignite;
  private final Path workDir;
  private final String name;
  private final int slots;
  private final WorkerRuntime runtime;

  private ClusterNode(Ignite ignite, Path workDir, String name, int slots, WorkerRuntime runtime) {
    this.ignite = ignite;
    this.workDir = workDir;
    this.name = name;
    this.slots = slots;
    this.runtime = runtime;
  }

  /**
   * Starts this process's node and joins the cluster (or forms it, when no other node is up).
   *
   * @param role "worker" or "coordinator" (shown, not enforced)
   * @param gflops this machine's measured speed (see {@link Calibration}), NaN when not measured
   */
  public static ClusterNode start(ClusterSettings settings, String role, double gflops) {
    checkOpens();
    // Ignite's update notifier looks up ignite.apache.org: nothing leaves the machine by default.
    System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
    System.setProperty("IGNITE_NO_ASCII", "true");
    System.setProperty("IGNITE_QUIET", "true");
    System.setProperty("IGNITE_PERFORMANCE_SUGGESTIONS_DISABLED", "true");
    String name = settings.name() != null ? settings.name() : defaultName();
    String consistentId = UUID.randomUUID().toString();
    String host = settings.listenHost();
    Path work;
    try {
      work = Files.createTempDirectory("jnas-ignite-");
    } catch (IOException e) {
      throw new NasException("cannot make a work folder for the cluster node: " + e.getMessage(), e);
    }
    IgniteConfiguration cfg = new IgniteConfiguration();
    cfg.setIgniteInstanceName("jnas-" + role + "-" + ProcessHandle.current().pid() + "-" + consistentId.substring(0, 8));
    cfg.setConsistentId(consistentId);
    if (host != null) {
      cfg.setLocalHost(host);
    }
    TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder();
    List<String> addresses = new ArrayList<>();
    for (ClusterSettings.Address a : settings.join()) {
      addresses.add(a.host() + ":" + a.port() + ".." + (a.port() + ClusterSettings.PORT_RANGE - 1));
    }
    finder.setAddresses(addresses);
    TcpDiscoverySpi discovery = new TcpDiscoverySpi();
    discovery.setIpFinder(finder);
    discovery.setLocalPort(settings.port());
    discovery.setLocalPortRange(ClusterSettings.PORT_RANGE);
    if (host != null) {
      discovery.setLocalAddress(host);
    }
    cfg.setDiscoverySpi(discovery);
    TcpCommunicationSpi communication = new TcpCommunicationSpi();
    communication.setLocalPort(settings.port() - 400); // Ignite's pairing: 47500 discovery, 47100 communication
    communication.setLocalPortRange(ClusterSettings.PORT_RANGE * 10);
    if (host != null) {
      communication.setLocalAddress(host);
    }
    cfg.setCommunicationSpi(communication);
    cfg.setClientConnectorConfiguration(null); // no thin-client port (10800)
    cfg.setConnectorConfiguration(null); // no REST port (11211)
    cfg.setFailureHandler(new StopNodeFailureHandler()); // never halt the user's JVM
    cfg.setFailureDetectionTimeout(5_000);
    cfg.setMetricsLogFrequency(0);
    cfg.setGridLogger(QuietLogger.root());
    cfg.setPeerClassLoadingEnabled(false); // every node runs the same jnas
    cfg.setWorkDirectory(work.toString());
    DataStorageConfiguration storage = new DataStorageConfiguration();
    storage.setDefaultDataRegionConfiguration(
        new DataRegionConfiguration().setName("default").setInitialSize(16L << 20).setMaxSize(64L << 20));
    storage.setSystemDataRegionConfiguration(
        new org.apache.ignite.configuration.SystemDataRegionConfiguration().setInitialSize(10L << 20).setMaxSize(20L << 20));
    cfg.setDataStorageConfiguration(storage);
    cfg.setCacheConfiguration(replicated(COORDINATORS), replicated(RESULTS), replicated(RUNNING));
    cfg.setUserAttributes(Map.of(
        SLOTS, settings.slots(),
        NAME, name,
        GFLOPS, gflops,
        ROLE, role,
        JoinGuard.PROOF, JoinGuard.proof(settings.secret(), consistentId),
        JoinGuard.BUILD, BuildId.current()));
    cfg.setPluginProviders(new JoinGuard(settings.joinAddresses(), settings.secret()));
    if (settings.tls() != null) {
      SslContextFactory ssl = new SslContextFactory();
      ssl.setKeyStoreFilePath(settings.tls().keyStore().toString());
      ssl.setKeyStorePassword(settings.tls().password());
      ssl.setKeyStoreType("PKCS12");
      ssl.setTrustStoreFilePath(settings.tls().trustStore().toString());
      ssl.setTrustStorePassword(settings.tls().password());
      ssl.setTrustStoreType("PKCS12");
      cfg.setSslContextFactory(ssl);
    }
    Ignite ignite;
    try {
      ignite = Ignition.start(cfg);
    } catch (RuntimeException e) {
      deleteQuietly(work);
      throw new BadInputException("cannot join the cluster at " + settings.join() + ": " + rootMessage(e), e);
    }
    WorkerRuntime runtime = new WorkerRuntime(ignite, name, settings.slots());
    ignite.cluster().nodeLocalMap().put(WorkerRuntime.KEY, runtime);
    return new ClusterNode(ignite, work, name, settings.slots(), runtime);
  }

  private static CacheConfiguration<String, String> replicated(String name) {
    return new CacheConfiguration<String, String>(name)
        .setCacheMode(CacheMode.REPLICATED)
        .setAtomicityMode(CacheAtomicityMode.ATOMIC);
  }

  public Ignite ignite() {
    return ignite;
  }

  public String name() {
    return name;
  }

  public int slots() {
    return slots;
  }

  /** Nodes in the cluster now (this one included). */
  public int size() {
    return ignite.cluster().nodes().size();
  }

  /** Prints one line per trial this node starts and ends to {@code out}. */
  public void reportTrialsTo(java.io.PrintWriter out) {
    runtime.console(out);
  }

  /** Leaves the cluster; trials this node runs for others end with it. */
  @Override
  public void close() {
    try {
      runtime.close();
      ignite.close();
    } finally {
      deleteQuietly(workDir);
    }
  }

  /** host:pid, the name a node goes by unless it was given one. */
  static String defaultName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return host + ":" + ProcessHandle.current().pid();
  }

  /** Ignite on Java 17 needs its add-opens; without them it fails later and obscurely. */
  private static void checkOpens() {
    Module unnamed = ClusterNode.class.getClassLoader().getUnnamedModule();
    for (String o : OPENS) {
      String[] mp = o.split("/");
      var module = ModuleLayer.boot().findModule(mp[0]);
      if (module.isPresent() && !module.get().isOpen(mp[1], unnamed)) {
        throw new BadInputException(
            "the cluster needs the JVM flags Ignite requires on Java 17 (--add-opens=" + o + "=ALL-UNNAMED and others):"
                + " start jnas with the ./jnas launcher, which passes them, or see the README's \"Running on several machines\"");
      }
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    String msg = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        msg = t.getMessage();
      }
    }
    return msg;
  }

  private static void deleteQuietly(Path dir) {
    try {
      Folders.deleteTree(dir);
    } catch (RuntimeException e) {
      // a temporary folder: the OS cleans it eventually
    }
  }

}
