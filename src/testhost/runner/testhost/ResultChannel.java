package runner.testhost;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Results sent to the runner as lines on the process's original stdout:
 * "##runner-result## <hex HMAC-SHA256 of the JSON> <json>\n".
 *
 * <p>The HMAC key came in a file this process deleted before any student code ran, so lines the
 * tests print cannot pass for results, and a genuine line replayed says nothing new. Each line is
 * one write(2) of at most {@link #MAX_LINE} bytes, which a pipe keeps whole even when test threads
 * print at the same time. The stream is opened on file descriptor 1 itself, so {@code
 * System.setOut} in a test does not divert it.
 */
final class ResultChannel {
  /** Below PIPE_BUF (4096), the size up to which pipe writes are atomic. */
  static final int MAX_LINE = 4000;

  /**
   * The runner keeps 2000 bytes of a message (report::kMaxMessageBytes) and marks a cut with
   * "…". Sending a few bytes more than that (one character at most 4) lets it see the cut and
   * make it exactly as it does for a report.
   */
  private static final int MAX_MESSAGE = 2004;

  private static final int MAX_NAME = 500;

  static final String TAG = "##runner-result##";

  private final FileOutputStream out = new FileOutputStream(FileDescriptor.out);
  private final Mac mac;

  ResultChannel(byte[] key) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A human line for the log (not a result): what a person reads in log.txt. */
  synchronized void log(String line) {
    write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  synchronized void compiled(boolean ok) {
    send("{\"event\":\"compiled\",\"ok\":" + ok + "}");
  }

  /** A test began: if the job is stopped now, the runner names it as the one that was running. */
  synchronized void started(String className, String name) {
    send(
        "{\"event\":\"started\",\"class\":"
            + quote(className, MAX_NAME)
            + ",\"name\":"
            + quote(name, MAX_NAME)
            + "}");
  }

  synchronized void test(
      String className, String name, String status, String type, String message, double seconds) {
    // Escaping can make a line of control characters too long for one atomic write: the message
    // is then cut shorter, never the line split.
    for (int budget = MAX_MESSAGE; ; budget /= 2) {
      String json =
          "{\"event\":\"test\",\"class\":"
              + quote(className, MAX_NAME)
              + ",\"name\":"
              + quote(name, MAX_NAME)
              + ",\"status\":"
              + quote(status, 20)
              + ",\"type\":"
              + quote(type, 300)
              + ",\"message\":"
              + quote(message, budget)
              + ",\"time\":"
              + seconds
              + "}";
      if (send(json) || budget == 0) return;
    }
  }

  /** The submission cannot be graded as it is (e.g. a class in a test framework's package). */
  synchronized void rejected(String reason) {
    send("{\"event\":\"rejected\",\"reason\":" + quote(reason, 1000) + "}");
  }

  synchronized void done(int tests) {
    send("{\"event\":\"done\",\"tests\":" + tests + "}");
  }

  /** False (nothing written) when the line would be longer than {@link #MAX_LINE}. */
  private boolean send(String json) {
    // The tests may have left a line unfinished on the same descriptor: the runner looks for the
    // tag anywhere in a line.
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] bytes = (TAG + " " + HexFormat.of().formatHex(mac.doFinal(body)) + " " + json + "\n")
        .getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_LINE) return false;
    write(bytes);
    return true;
  }

  private void write(byte[] bytes) {
    try {
      out.write(bytes);
    } catch (IOException e) {
      // The runner stopped reading: nothing useful is left to do.
      Runtime.getRuntime().halt(4);
    }
  }

  /**
   * A JSON string of {@code text} cut to at most {@code maxBytes} bytes of UTF-8 at a character
   * boundary: the cut the runner makes itself, so a long message reads the same however it came.
   */
  static String quote(String text, int maxBytes) {
    if (text == null) text = "";
    StringBuilder json = new StringBuilder(Math.min(text.length(), maxBytes) + 2).append('"');
    int bytes = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int width = Character.charCount(c);
      if (Character.isSurrogate(text.charAt(i)) && width == 1) c = 0xfffd;  // a lone surrogate
      int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (bytes + size > maxBytes) break;
      bytes += size;
      i += width;
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", c));
          } else {
            json.appendCodePoint(c);
          }
        }
      }
    }
    return json.append('"').toString();
  }
}
