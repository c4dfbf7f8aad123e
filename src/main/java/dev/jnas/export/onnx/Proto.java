package dev.jnas.export.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protocol-buffer message being written: the few wire types ONNX's messages need (varints,
 * 32-bit floats, length-delimited bytes, strings and nested messages). Writing them takes a page;
 * generated ONNX classes would bring a protobuf runtime and a code generator to the build.
 */
final class Proto {
  private static final int VARINT = 0;
  private static final int FIXED32 = 5;
  private static final int DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Proto varint(int field, long value) {
    tag(field, VARINT);
    raw(value);
    return this;
  }

  Proto float32(int field, float value) {
    tag(field, FIXED32);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
    return this;
  }

  Proto bytes(int field, byte[] value) {
    tag(field, DELIMITED);
    raw(value.length);
    out.writeBytes(value);
    return this;
  }

  Proto string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  Proto message(int field, Proto value) {
    return bytes(field, value.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    raw(((long) field << 3) | wireType);
  }

  /** Base-128 varint; negative int64s take ten bytes, as protobuf writes them. */
  private void raw(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
