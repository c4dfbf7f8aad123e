package dev.jnas.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.apache.ignite.cluster.ClusterNode;
import org.junit.jupiter.api.Test;

class JoinGuardTest {
  private static ClusterNode node(String address, String consistentId, Map<String, Object> attributes) {
    return (ClusterNode) Proxy.newProxyInstance(JoinGuardTest.class.getClassLoader(), new Class<?>[] {ClusterNode.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "addresses" -> List.of(address);
          case "consistentId" -> consistentId;
          case "attribute" -> attributes.get((String) args[0]);
          case "id" -> java.util.UUID.nameUUIDFromBytes(consistentId.getBytes());
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static Map<String, Object> attributes(String secret, String id) {
    return Map.of(JoinGuard.PROOF, JoinGuard.proof(secret, id), JoinGuard.BUILD, BuildId.current());
  }

  @Test
  void aListedNodeOfTheSameBuildThatKnowsTheSecretMayJoin() throws Exception {
    JoinGuard guard = new JoinGuard(List.of(InetAddress.getByName("127.0.0.1")), "s3cret");
    assertThat(guard.refusal(node("127.0.0.1", "a", attributes("s3cret", "a")))).isNull();
    assertThat(BuildId.current()).isNotEqualTo("unknown").hasSize(16);
  }

  @Test
  void everyOtherNodeIsRefusedWithTheReason() throws Exception {
    JoinGuard guard = new JoinGuard(List.of(InetAddress.getByName("127.0.0.1")), "s3cret");
    assertThat(guard.refusal(node("10.9.9.9", "a", attributes("s3cret", "a")))).contains("not on this cluster's join list");
    assertThat(guard.refusal(node("127.0.0.1", "a", attributes("wrong", "a")))).contains("does not know this cluster's secret");
    // a proof made for another node's id is not this node's
    assertThat(guard.refusal(node("127.0.0.1", "b", attributes("s3cret", "a")))).contains("does not know");
    assertThat(guard.refusal(node("127.0.0.1", "a", Map.of(JoinGuard.PROOF, JoinGuard.proof("s3cret", "a"), JoinGuard.BUILD, "0123456789abcdef"))))
        .contains("runs another jnas build");
    JoinGuard open = new JoinGuard(List.of(InetAddress.getByName("127.0.0.1")), null);
    assertThat(open.refusal(node("127.0.0.1", "a", attributes("s3cret", "a")))).contains("has a cluster secret, this cluster has none");
    assertThat(open.refusal(node("127.0.0.1", "a", attributes(null, "a")))).isNull();
  }
}
