package dev.jnas.strategy.rl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jnas.util.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Float arrays in snapshot JSON: base64 of their little-endian float32 bytes, exact to the bit
 * and a third of the size of decimal text.
 */
final class FloatCodec {
  private FloatCodec() {}

  static String encode(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  /**
   * The {@code size} floats encoded in {@code text}.
   *
   * @throws BadInputException naming {@code what} when the text is missing, not base64, or of
   *     another length
   */
  static float[] decode(JsonNode text, int size, String what) {
    if (text == null || !text.isTextual()) {
      throw new BadInputException("reinforce snapshot: " + what + " is missing");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text.asText());
    } catch (IllegalArgumentException e) {
      throw new BadInputException("reinforce snapshot: " + what + " is not base64: " + e.getMessage());
    }
    if (bytes.length != size * Float.BYTES) {
      throw new BadInputException(
          "reinforce snapshot: " + what + " holds " + bytes.length + " bytes, expected " + size * Float.BYTES
              + " (" + size + " float32s)");
    }
    float[] values = new float[size];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }
}
