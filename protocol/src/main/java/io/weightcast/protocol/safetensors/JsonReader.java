package io.weightcast.protocol.safetensors;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader (RFC 8259) for safetensors headers: objects become
 * {@code LinkedHashMap<String, Object>}, arrays {@code List<Object>}, strings {@code String},
 * integers {@code BigInteger} (never overflowing), other numbers {@code Double}, literals
 * {@code Boolean} or {@link #NULL}. Nesting deeper than {@link #MAX_DEPTH}, duplicate keys and
 * trailing content are malformed. Failures are {@link Malformed} with the character position.
 * Pure and stateless apart from one instance per parse.
 */
final class JsonReader {
  static final int MAX_DEPTH = 64;
  /** Stands for JSON {@code null} (maps cannot hold Java null meaningfully). */
  static final Object NULL = new Object();

  /** The text is not the JSON this reader accepts. */
  static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message);
    }
  }

  private final String s;
  private int i;

  private JsonReader(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    JsonReader r = new JsonReader(text);
    Object v = r.value(0);
    r.skipSpace();
    if (r.i != text.length()) {
      throw r.fail("trailing content");
    }
    return v;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw fail("nesting deeper than " + MAX_DEPTH);
    }
    skipSpace();
    if (i >= s.length()) {
      throw fail("unexpected end");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw fail("unexpected '" + c + "'");
    }
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> out = new LinkedHashMap<>();
    i++;
    skipSpace();
    if (peek() == '}') {
      i++;
      return out;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw fail("expected a key");
      }
      String key = string();
      skipSpace();
      expect(':');
      if (out.put(key, value(depth + 1)) != null) {
        throw fail("duplicate key '" + key + "'");
      }
      skipSpace();
      char c = next();
      if (c == '}') {
        return out;
      }
      if (c != ',') {
        throw fail("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> out = new ArrayList<>();
    i++;
    skipSpace();
    if (peek() == ']') {
      i++;
      return out;
    }
    while (true) {
      out.add(value(depth + 1));
      skipSpace();
      char c = next();
      if (c == ']') {
        return out;
      }
      if (c != ',') {
        throw fail("expected ',' or ']'");
      }
    }
  }

  private String string() {
    i++;
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw fail("control character in string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw fail("short \\u escape");
          }
          try {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          } catch (NumberFormatException x) {
            throw fail("bad \\u escape");
          }
          i += 4;
        }
        default -> throw fail("bad escape '\\" + e + "'");
      }
    }
  }

  private Object number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else if (isDigit(peek())) {
      digits();
    } else {
      throw fail("bad number");
    }
    boolean integer = true;
    if (peek() == '.') {
      i++;
      integer = false;
      requireDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      i++;
      integer = false;
      if (peek() == '+' || peek() == '-') {
        i++;
      }
      requireDigits();
    }
    String text = s.substring(start, i);
    if (text.length() > 400) {
      throw fail("number longer than 400 characters");
    }
    return integer ? new BigInteger(text) : (Object) Double.parseDouble(text);
  }

  private void requireDigits() {
    if (!isDigit(peek())) {
      throw fail("bad number");
    }
    digits();
  }

  private void digits() {
    while (isDigit(peek())) {
      i++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, i)) {
      throw fail("unexpected '" + s.charAt(i) + "'");
    }
    i += word.length();
    return v;
  }

  private void skipSpace() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      i++;
    }
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private char next() {
    if (i >= s.length()) {
      throw fail("unexpected end");
    }
    return s.charAt(i++);
  }

  private void expect(char c) {
    if (next() != c) {
      throw fail("expected '" + c + "'");
    }
  }

  private Malformed fail(String what) {
    return new Malformed("malformed JSON at character " + i + ": " + what);
  }
}
