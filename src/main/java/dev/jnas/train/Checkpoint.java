package dev.jnas.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.jnas.evaluate.EpochMetrics;
import dev.jnas.util.AtomicFiles;
import dev.jnas.util.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a training run after an epoch, in one file ({@code checkpoint.bin}) that is
 * rewritten atomically after every epoch, so a crash at any instant leaves the previous epoch's
 * state readable. It holds the run's identity (a key naming architecture, seed, data and
 * settings), the epochs done with their metrics, the SGD step count, every parameter of the block
 * (weights and batch-norm statistics) and the momentum buffers, each array in DJL's NDArray
 * encoding, then a CRC-32 of all of it. The data order needs nothing more: each epoch's shuffle and
 * augmentation flow from (seed, epoch) alone.
 *
 * <p>Layout: {@code "JNASCKPT"}, int version, int n + n bytes of JSON {@link Header}, then twice
 * (parameters, momentum) an int count followed by (UTF name, int n, n bytes) per array, then the
 * long CRC-32 of everything before it.
 */
public final class Checkpoint {
  static final String FILE = "checkpoint.bin";
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
  private static final byte[] MAGIC = "JNASCKPT".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  /**
   * @param key identity of the run the state belongs to; a run with another key ignores it
   * @param steps SGD steps taken
   * @param epochs metrics of every epoch done, from epoch 1
   */
  record Header(String key, int steps, List<EpochMetrics> epochs, com.fasterxml.jackson.databind.JsonNode extra) {}

  /**
   * A restored run's position: SGD steps, the epochs done, and the caller's own state saved with
   * it (null when none).
   */
  public record Restored(int steps, List<EpochMetrics> epochs, com.fasterxml.jackson.databind.JsonNode extra) {}

  /** A checkpoint file as read, arrays still encoded. */
  record Contents(Header header, Map<String, byte[]> parameters, Map<String, byte[]> momentum) {}

  private Checkpoint() {}

  /** Which run a checkpoint's state belongs to ({@link Header#key}) and how many epochs it has done. */
  public record Position(String key, int epochs) {}

  /**
   * The position of the checkpoint in {@code dir}, without decoding its arrays.
   *
   * @return null when there is none
   * @throws IOException when it cannot be read or is damaged
   */
  public static Position position(Path dir) throws IOException {
    Contents c = read(dir);
    return c == null ? null : new Position(c.header().key(), c.header().epochs().size());
  }

  /** Writes the state of {@code block} and {@code loop} after {@code epochs} into {@code dir}. */
  static void save(Path dir, String key, List<EpochMetrics> epochs, Block block, TrainingLoop loop) {
    save(dir, key, loop.steps(), epochs, null, block, loop.optimizerState());
  }

  /**
   * Writes a run's state into {@code dir} atomically: {@code block}'s parameters, the optimiser's
   * arrays by name, the step count, the epochs' metrics and {@code extra} (any JSON the caller
   * needs to continue, e.g. a supernet's architecture parameters; may be null).
   */
  public static void save(
      Path dir, String key, int steps, List<EpochMetrics> epochs, com.fasterxml.jackson.databind.JsonNode extra,
      Block block, Map<String, NDArray> optimizerState) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      byte[] header = Json.MAPPER.writeValueAsBytes(new Header(key, steps, epochs, extra));
      out.writeInt(header.length);
      out.write(header);
      Map<String, NDArray> parameters = new LinkedHashMap<>();
      for (var p : block.getParameters()) {
        parameters.put(p.getKey(), p.getValue().getArray());
      }
      writeArrays(out, parameters);
      writeArrays(out, optimizerState);
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a checkpoint: " + e, e); // in-memory stream
    }
    AtomicFiles.write(dir.resolve(FILE), bytes.toByteArray());
  }

  private static void writeArrays(DataOutputStream out, Map<String, NDArray> arrays) throws IOException {
    out.writeInt(arrays.size());
    for (var e : arrays.entrySet()) {
      byte[] encoded = e.getValue().encode();
      out.writeUTF(e.getKey());
      out.writeInt(encoded.length);
      out.write(encoded);
    }
  }

  /**
   * Reads the checkpoint in {@code dir}.
   *
   * @return null when there is none
   * @throws IOException when it cannot be read or is damaged (bad magic, version or checksum)
   */
  static Contents read(Path dir) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(dir.resolve(FILE));
    } catch (NoSuchFileException e) {
      return null;
    }
    if (bytes.length < MAGIC.length + 12 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("not a jnas checkpoint");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    in.skipNBytes(bytes.length - 8);
    if (in.readLong() != crc.getValue()) {
      throw new IOException("checksum mismatch (the file is damaged)");
    }
    in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length, bytes.length - MAGIC.length - 8));
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("checkpoint version " + version + ", this jnas reads " + VERSION);
    }
    Header header = Json.MAPPER.readValue(in.readNBytes(in.readInt()), new TypeReference<Header>() {});
    return new Contents(header, readArrays(in), readArrays(in));
  }

  private static Map<String, byte[]> readArrays(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      int length = in.readInt();
      if (length < 0 || length > in.available()) {
        throw new IOException("array " + name + " is cut short");
      }
      arrays.put(name, in.readNBytes(length));
    }
    return arrays;
  }

  /**
   * Restores {@code block}'s parameters and {@code loop}'s optimiser state from the checkpoint in
   * {@code dir} when it belongs to the run {@code key}. A missing checkpoint, another run's, or a
   * damaged one (logged) restores nothing, so the run starts afresh.
   *
   * @return the metrics of the epochs the restored state has done (empty when nothing was restored)
   */
  static List<EpochMetrics> restore(Path dir, String key, Block block, TrainingLoop loop, NDManager manager) {
    Restored r = restore(dir, key, block, momentum -> loop.restore(0, momentum), manager);
    if (r == null) {
      return List.of();
    }
    loop.restore(r.steps(), Map.of());
    return r.epochs();
  }

  /**
   * Restores {@code block}'s parameters and hands the optimiser's saved arrays to {@code
   * optimizer} when the checkpoint in {@code dir} belongs to the run {@code key}. A missing
   * checkpoint, another run's, or a damaged one (logged) restores nothing.
   *
   * @return the restored position, or null when nothing was restored
   */
  public static Restored restore(
      Path dir, String key, Block block, java.util.function.Consumer<Map<String, NDArray>> optimizer, NDManager manager) {
    Contents c;
    try {
      c = read(dir);
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring the checkpoint in {} and training from the start: {}", dir, e.getMessage());
      return null;
    }
    if (c == null) {
      return null;
    }
    if (!key.equals(c.header().key())) {
      LOG.warn("ignoring the checkpoint in {}: it is of another run ({}), not {}", dir, c.header().key(), key);
      return null;
    }
    boolean gradModeBefore = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager scratch = manager.newSubManager()) {
      // decode and check everything before touching the block, so a bad file leaves it as initialised
      Map<String, NDArray> parameters = decode(c.parameters(), scratch);
      Map<String, NDArray> momentum = decode(c.momentum(), scratch);
      var blockParameters = block.getParameters();
      if (blockParameters.size() != parameters.size()) {
        throw new IllegalArgumentException(
            "it holds " + parameters.size() + " parameters, the network " + blockParameters.size());
      }
      for (var p : blockParameters) {
        NDArray saved = parameters.get(p.getKey());
        Parameter live = p.getValue();
        if (saved == null || !saved.getShape().equals(live.getArray().getShape())) {
          throw new IllegalArgumentException("parameter " + p.getKey() + " is missing or has another shape");
        }
      }
      optimizer.accept(momentum);
      for (var p : blockParameters) {
        TrainingLoop.copyInto(parameters.get(p.getKey()), p.getValue().getArray());
      }
      return new Restored(c.header().steps(), List.copyOf(c.header().epochs()), c.header().extra());
    } catch (RuntimeException e) {
      LOG.warn("ignoring the checkpoint in {} and training from the start: {}", dir, e.getMessage());
      return null;
    } finally {
      JniUtils.setGradMode(gradModeBefore);
    }
  }

  private static Map<String, NDArray> decode(Map<String, byte[]> encoded, NDManager manager) {
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    encoded.forEach((name, bytes) -> arrays.put(name, manager.decode(bytes)));
    return arrays;
  }
}
