package dev.jnas.cluster;

import java.io.Serializable;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.plugin.CachePluginContext;
import org.apache.ignite.plugin.CachePluginProvider;
import org.apache.ignite.plugin.ExtensionRegistry;
import org.apache.ignite.plugin.IgnitePlugin;
import org.apache.ignite.plugin.PluginContext;
import org.apache.ignite.plugin.PluginProvider;
import org.apache.ignite.plugin.PluginValidationException;

/**
 * Decides who may join: Ignite asks every plugin about a node that wants to join the cluster, and
 * this one refuses it unless one of its addresses is a host of the join list, it runs the same jnas
 * build ({@link BuildId}) and, when the cluster has a shared secret, its proof matches. The proof is HMAC-SHA256(secret, the node's consistent
 * id), carried as a node attribute: it shows the node knows the secret without sending it. Node
 * attributes travel in the clear without TLS, so on an untrusted network turn on TLS as well
 * (README "Running on several machines").
 */
final class JoinGuard implements PluginProvider<org.apache.ignite.plugin.PluginConfiguration>, IgnitePlugin {
  /** Node attribute holding the proof. */
  static final String PROOF = "jnas.proof";
  /** Node attribute holding the node's {@link BuildId}. */
  static final String BUILD = "jnas.build";

  private final Set<String> allowed;
  private final String secret;

  JoinGuard(Collection<InetAddress> joinHosts, String secret) {
    this.allowed = joinHosts.stream().map(InetAddress::getHostAddress).collect(Collectors.toUnmodifiableSet());
    this.secret = secret;
  }

  /** The proof a node with {@code consistentId} shows for {@code secret} (empty without one). */
  static String proof(String secret, String consistentId) {
    if (secret == null) {
      return "";
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(consistentId.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this Java", e);
    }
  }

  /** Why {@code node} may not join, or null when it may. */
  String refusal(ClusterNode node) {
    boolean listed = node.addresses().stream().anyMatch(allowed::contains);
    if (!listed) {
      return "node " + node.consistentId() + " at " + node.addresses() + " is not on this cluster's join list " + allowed;
    }
    Object build = node.attribute(BUILD);
    if (!BuildId.current().equals(build)) {
      return "node " + node.consistentId() + " at " + node.addresses() + " runs another jnas build (" + build + ") than this"
          + " cluster (" + BuildId.current() + "): start every node from the same jnas checkout, built the same way";
    }
    Object shown = node.attribute(PROOF);
    String expected = proof(secret, String.valueOf(node.consistentId()));
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), String.valueOf(shown).getBytes(StandardCharsets.UTF_8))) {
      return secret == null
          ? "node " + node.consistentId() + " has a cluster secret, this cluster has none"
          : "node " + node.consistentId() + " does not know this cluster's secret";
    }
    return null;
  }

  @Override
  public void validateNewNode(ClusterNode node) throws PluginValidationException {
    String why = refusal(node);
    if (why != null) {
      throw new PluginValidationException(why, "refused by the jnas cluster: " + why, node.id());
    }
  }

  @Override
  public String name() {
    return "jnas-join-guard";
  }

  @Override
  public String version() {
    return "1";
  }

  @Override
  public String copyright() {
    return "jnas";
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends IgnitePlugin> T plugin() {
    return (T) this;
  }

  @Override
  public void initExtensions(PluginContext ctx, ExtensionRegistry registry) {}

  @Override
  public <T> T createComponent(PluginContext ctx, Class<T> cls) {
    return null;
  }

  @Override
  public CachePluginProvider createCacheProvider(CachePluginContext ctx) {
    return null;
  }

  @Override
  public void start(PluginContext ctx) {}

  @Override
  public void stop(boolean cancel) {}

  @Override
  public void onIgniteStart() {}

  @Override
  public void onIgniteStop(boolean cancel) {}

  @Override
  public Serializable provideDiscoveryData(UUID nodeId) {
    return null;
  }

  @Override
  public void receiveDiscoveryData(UUID nodeId, Serializable data) {}

}
