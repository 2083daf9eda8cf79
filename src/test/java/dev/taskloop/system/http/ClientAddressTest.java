package dev.taskloop.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taskloop.system.config.AppConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who the client is behind (trusted and untrusted) proxies; over HTTP: ScaleOutIT. */
class ClientAddressTest {
  private static ClientAddress trusting(String proxies) {
    return new ClientAddress(
        AppConfig.fromEnv(Map.of("TRUSTED_PROXIES", proxies)).scaleOut().trustedProxies());
  }

  private final ClientAddress proxies = trusting("10.0.0.0/8, 192.0.2.1, 2001:db8::/32");

  @Test
  void withoutTrustedProxiesTheSocketPeerIsTheClient() {
    var none = new ClientAddress(List.of());
    assertEquals("10.1.1.1", none.resolve("10.1.1.1", List.of("203.0.113.9")));
  }

  @Test
  void anUntrustedPeerCannotClaimAnotherAddress() {
    assertEquals("198.51.100.4", proxies.resolve("198.51.100.4", List.of("203.0.113.9")));
  }

  @Test
  void behindTrustedProxiesTheNearestUntrustedHopIsTheClient() {
    assertEquals(
        "203.0.113.9", proxies.resolve("10.0.0.5", List.of("6.6.6.6, 203.0.113.9", "10.2.3.4")));
  }

  @Test
  void addressesWithPortsAreUnderstood() {
    assertEquals(
        "2001:db9::1", proxies.resolve("192.0.2.1", List.of("6.6.6.6, [2001:db9::1]:4711")));
    assertEquals("203.0.113.5", proxies.resolve("192.0.2.1", List.of("203.0.113.5:80")));
  }

  @Test
  void anUnknownHopStopsAtTheLastTrustedOne() {
    assertEquals("10.9.9.9", proxies.resolve("192.0.2.1", List.of("unknown, 10.9.9.9")));
    assertEquals("192.0.2.1", proxies.resolve("192.0.2.1", List.of("not an address")));
  }

  @Test
  void aChainOfOnlyTrustedHopsGivesItsFirst() {
    assertEquals("10.0.0.1", proxies.resolve("10.0.0.3", List.of("10.0.0.1, 10.0.0.2")));
    assertEquals("2001:db8::7", proxies.resolve("2001:0db8:0:0:0:0:0:7", List.of()));
  }
}
