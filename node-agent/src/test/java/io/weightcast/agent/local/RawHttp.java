package io.weightcast.agent.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for tests that must send a path byte for byte (no client-side
 * normalisation) or drop a streaming connection at a moment of their choosing.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;

  public record Response(int status, String body) {}

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
        StandardCharsets.UTF_8));
  }

  /** Opens a connection and sends {@code GET rawPath}; the caller reads the answer. */
  public static RawHttp open(String host, int port, String rawPath) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), 5_000);
    s.setSoTimeout(30_000);
    s.getOutputStream().write(("GET " + rawPath + " HTTP/1.1\r\nHost: " + host + ":" + port
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return new RawHttp(s);
  }

  /** A whole (non-streaming) exchange. */
  public static Response get(String host, int port, String rawPath) throws IOException {
    try (RawHttp http = open(host, port, rawPath)) {
      int status = http.status();
      StringBuilder body = new StringBuilder();
      String line;
      while ((line = http.in.readLine()) != null) {
        body.append(line).append('\n');
      }
      return new Response(status, body.toString());
    }
  }

  /** Reads the status line and the headers; answers the status code. */
  public int status() throws IOException {
    String statusLine = in.readLine();
    if (statusLine == null) {
      throw new IOException("connection closed before a status line");
    }
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      // headers skipped
    }
    return Integer.parseInt(statusLine.split(" ")[1]);
  }

  /** The next line of the body (chunk-size lines of chunked encoding included). */
  public String readLine() throws IOException {
    return in.readLine();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
