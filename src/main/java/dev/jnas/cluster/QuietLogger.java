package dev.jnas.cluster;

import org.apache.ignite.IgniteLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ignite's log, through jnas's slf4j: its start-up banner and its stack trace per lost peer stay
 * off the user's console, its errors do not. {@code JNAS_CLUSTER_LOG=1} lets its info through,
 * for diagnosing a cluster. Never "quiet" in Ignite's sense, which would print straight to stdout.
 */
final class QuietLogger implements IgniteLogger {
  private static final boolean VERBOSE = "1".equals(System.getenv("JNAS_CLUSTER_LOG"));
  private final Logger log;

  /** Discovery and communication errors are about a peer that went away: the coordinator says so itself. */
  private final boolean peerNoise;

  QuietLogger(Logger log) {
    this.log = log;
    this.peerNoise = log.getName().startsWith("org.apache.ignite.spi.discovery") || log.getName().startsWith("org.apache.ignite.spi.communication")
        || log.getName().startsWith("org.apache.ignite.internal.managers.communication");
  }

  static QuietLogger root() {
    return new QuietLogger(LoggerFactory.getLogger("org.apache.ignite"));
  }

  @Override
  public IgniteLogger getLogger(Object ctgr) {
    String name = ctgr instanceof Class<?> c ? c.getName() : String.valueOf(ctgr);
    return new QuietLogger(LoggerFactory.getLogger(name));
  }

  @Override
  public void trace(String msg) {
    if (VERBOSE) {
      log.trace(msg);
    }
  }

  @Override
  public void debug(String msg) {
    if (VERBOSE) {
      log.debug(msg);
    }
  }

  @Override
  public void info(String msg) {
    if (VERBOSE) {
      log.warn(msg);
    }
  }

  /** Ignite warns about things a user of jnas cannot act on (heap sizes, a peer's lost connection): info only. */
  @Override
  public void warning(String msg, Throwable e) {
    if (VERBOSE) {
      log.warn(msg, e);
    }
  }

  @Override
  public void error(String msg, Throwable e) {
    if (peerNoise && !VERBOSE) {
      return;
    }
    log.error(msg + (e != null && !VERBOSE ? ": " + e : ""), VERBOSE ? e : null);
  }

  @Override
  public boolean isTraceEnabled() {
    return VERBOSE && log.isTraceEnabled();
  }

  @Override
  public boolean isDebugEnabled() {
    return VERBOSE && log.isDebugEnabled();
  }

  @Override
  public boolean isInfoEnabled() {
    return VERBOSE;
  }

  @Override
  public boolean isQuiet() {
    return false;
  }

  @Override
  public String fileName() {
    return null;
  }
}
