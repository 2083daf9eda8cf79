package dev.taskloop.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between the service and PostgreSQL that a test can break: cut every connection and
 * refuse new ones (the server is down), stall them (the network or server hangs without closing),
 * answer new ones as a PostgreSQL that is starting up or shutting down (SQLSTATE 57P03) or that
 * refuses the password (28P01), cut every connection while accepting new ones ({@link #cutAll}),
 * and restore. The shared PostgreSQL itself is never touched. It also counts "half-open
 * handshakes": connections whose client sent only an SSL request, got "no", and then said nothing,
 * each holding a server process until {@code authentication_timeout}.
 */
public final class FaultProxy implements AutoCloseable {
  /** What the proxy does with traffic. */
  public enum Mode {
    /** Forward everything. */
    PASS,
    /** Existing connections were cut; new ones are refused (ECONNREFUSED): the listener is shut. */
    DOWN,
    /** Bytes are held in both directions; nothing is closed. */
    STALL,
    /** New connections get "FATAL 57P03 the database system is starting up"; old ones are cut. */
    STARTING_UP,
    /** New connections get "FATAL 28P01 password authentication failed"; old ones are cut. */
    WRONG_PASSWORD
  }

  private final int port;
  private final InetSocketAddress target;
  private volatile ServerSocket listener;
  private volatile boolean closed;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile Mode mode = Mode.PASS;

  private FaultProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.port = listen(0);
  }

  private synchronized int listen(int on) throws IOException {
    var socket = new ServerSocket();
    socket.setReuseAddress(true);
    if (socket.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
      socket.setOption(StandardSocketOptions.SO_REUSEPORT, true); // rebinding after DOWN
    }
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), on), 200);
    listener = socket;
    Thread.ofVirtual().name("fault-proxy-accept").start(() -> acceptLoop(socket));
    return socket.getLocalPort();
  }

  /** A proxy to {@code host:port} on a free local port. */
  public static FaultProxy to(String host, int port) {
    try {
      return new FaultProxy(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /**
   * Switches mode; DOWN and STARTING_UP cut every open connection (DOWN also shuts the listener),
   * PASS resumes stalled ones.
   */
  public synchronized void mode(Mode next) {
    mode = next;
    try {
      if (next == Mode.DOWN) {
        listener.close(); // first: nothing new is accepted while the rest is cut
      } else if (listener.isClosed() && !closed) {
        listen(port);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot switch the proxy to " + next, e);
    }
    if (next == Mode.DOWN || next == Mode.STARTING_UP || next == Mode.WRONG_PASSWORD) {
      List.copyOf(links).forEach(Link::close);
    }
    notifyAll();
  }

  /**
   * Cuts every open connection while new ones are still forwarded, as a database restart or a
   * firewall does: with {@code reset}, an RST (SO_LINGER 0) to both sides, else an orderly close
   * (FIN).
   */
  public void cutAll(boolean reset) {
    for (Link link : List.copyOf(links)) {
      if (reset) {
        link.reset();
      }
      link.close();
    }
  }

  /**
   * Open connections whose client sent an SSL request (and nothing else) at least {@code
   * olderThanMillis} ago.
   */
  public long halfOpenHandshakes(long olderThanMillis) {
    long now = System.nanoTime();
    return links.stream()
        .filter(link -> link.onlySslRequest() && now - link.openedAt > olderThanMillis * 1_000_000)
        .count();
  }

  /** Open client connections. */
  public int open() {
    return links.size();
  }

  @Override
  public synchronized void close() {
    closed = true; // also releases pumps held by STALL: their sockets are closed below
    notifyAll();
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    List.copyOf(links).forEach(Link::close);
  }

  private void acceptLoop(ServerSocket socket) {
    while (!socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (mode == Mode.STARTING_UP) {
        Thread.ofVirtual()
            .start(() -> answerWith(client, "57P03", "the database system is starting up"));
      } else if (mode == Mode.WRONG_PASSWORD) {
        Thread.ofVirtual()
            .start(() -> answerWith(client, "28P01", "password authentication failed for user"));
      } else {
        connect(client);
      }
    }
  }

  private void connect(Socket client) {
    Socket server = new Socket();
    try {
      server.connect(target, 2000);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(server);
      return;
    }
    var link = new Link(client, server);
    links.add(link);
    Thread.ofVirtual().start(() -> link.pump(client, server, true));
    Thread.ofVirtual().start(() -> link.pump(server, client, false));
  }

  /** Speaks just enough of the protocol to refuse a new connection with a FATAL error. */
  private void answerWith(Socket client, String sqlState, String message) {
    try (client) {
      client.setSoTimeout(5000);
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      int length = ByteBuffer.wrap(in.readNBytes(4)).getInt();
      byte[] rest = in.readNBytes(length - 4);
      if (length == 8 && ByteBuffer.wrap(rest).getInt() == 80877103) { // SSLRequest
        out.write('N');
        out.flush();
        length = ByteBuffer.wrap(in.readNBytes(4)).getInt();
        in.readNBytes(length - 4); // the startup message
      }
      out.write(errorResponse(sqlState, message));
      out.flush();
    } catch (IOException | RuntimeException ignored) {
      // the client gave up first
    }
  }

  private static byte[] errorResponse(String sqlState, String message) {
    byte[] fields =
        ("SFATAL\0VFATAL\0C" + sqlState + "\0M" + message + "\0\0")
            .getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 4 + fields.length)
        .put((byte) 'E')
        .putInt(4 + fields.length)
        .put(fields)
        .array();
  }

  private void awaitPass() throws InterruptedException {
    synchronized (this) {
      while (mode == Mode.STALL && !closed) {
        wait(100);
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** One proxied connection. */
  private final class Link {
    final Socket client;
    final Socket server;
    final long openedAt = System.nanoTime();
    volatile long clientBytes;
    volatile boolean sawSslRequest;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    boolean onlySslRequest() {
      return sawSslRequest && clientBytes == 8;
    }

    void pump(Socket from, Socket to, boolean fromClient) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (fromClient) {
            if (clientBytes == 0 && n >= 8 && ByteBuffer.wrap(buffer, 4, 4).getInt() == 80877103) {
              sawSslRequest = true;
            }
            clientBytes += n;
          }
          awaitPass();
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException ignored) {
        // one side closed: close both
      } finally {
        close();
      }
    }

    void reset() {
      for (Socket socket : new Socket[] {client, server}) {
        try {
          socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
          // already closed
        }
      }
    }

    void close() {
      links.remove(this);
      closeQuietly(client);
      closeQuietly(server);
    }
  }
}
