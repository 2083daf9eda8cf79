package dev.taskloop.system.http;

import dev.taskloop.system.config.ScaleOut;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who sent a request: the one rule for the per-address login limit and the access log. It is the
 * socket peer, unless that peer is one of {@code TRUSTED_PROXIES}: then it is the nearest address
 * in {@code X-Forwarded-For} that is not itself a trusted proxy, read from the right, since only
 * the entries our own proxies appended can be believed (a client can put anything on the left). An
 * entry that is not an IP address stops the walk at the last trusted hop. RFC 7239's {@code
 * Forwarded} is ignored on purpose: nginx, HAProxy and the cloud balancers set X-Forwarded-For and
 * pass a client's own {@code Forwarded} through, so believing both would let a client name itself.
 * Addresses come back in their canonical text form. Netty's {@link IpSubnetFilterRule} does the
 * CIDR matching.
 */
public final class ClientAddress {
  private final List<IpSubnetFilterRule> trusted;

  public ClientAddress(List<ScaleOut.Cidr> trustedProxies) {
    var rules = new ArrayList<IpSubnetFilterRule>();
    for (ScaleOut.Cidr cidr : trustedProxies) {
      rules.add(new IpSubnetFilterRule(cidr.address(), cidr.prefix(), IpFilterRuleType.ACCEPT));
    }
    this.trusted = List.copyOf(rules);
  }

  /** The client's address, or {@code -} when the connection has none (a Unix socket). */
  public String of(HttpServerRequest request) {
    // The connection's own address: vertx-web's request wrapper would run its Forwarded parser
    // (a tenth of the access log's time), and its answer is not used here.
    SocketAddress peer = request.connection().remoteAddress();
    String host = peer == null ? null : peer.hostAddress();
    if (host == null) {
      return peer == null ? "-" : String.valueOf(peer.host());
    }
    if (trusted.isEmpty()) {
      return host;
    }
    return resolve(host, request.headers().getAll("X-Forwarded-For"));
  }

  /** The rule itself: {@code peer} is the socket's address, {@code xForwardedFor} every line. */
  String resolve(String peer, List<String> xForwardedFor) {
    InetAddress hop = parse(peer);
    if (hop == null || !trusted(hop)) {
      return peer;
    }
    List<String> chain = chain(xForwardedFor);
    for (int i = chain.size() - 1; i >= 0; i--) {
      InetAddress next = parse(chain.get(i));
      if (next == null) {
        break;
      }
      hop = next;
      if (!trusted(hop)) {
        break;
      }
    }
    return NetUtil.toAddressString(hop);
  }

  private boolean trusted(InetAddress address) {
    var socket = new InetSocketAddress(address, 0);
    for (IpSubnetFilterRule rule : trusted) {
      if (rule.matches(socket)) {
        return true;
      }
    }
    return false;
  }

  /** The forwarding chain, client first. */
  private static List<String> chain(List<String> xForwardedFor) {
    var chain = new ArrayList<String>();
    for (String header : xForwardedFor) {
      for (String entry : header.split(",")) {
        chain.add(entry.strip());
      }
    }
    return chain;
  }

  /** An IP address literal, optionally {@code [v6]:port} or {@code v4:port}; else null. */
  static InetAddress parse(String text) {
    String host = text;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close < 0 ? "" : host.substring(1, close);
    } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') > 0) {
      host = host.substring(0, host.indexOf(':')); // IPv4 with a port
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) { // only for a byte array of the wrong length
      return null;
    }
  }
}
