package dev.jnas.export;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.jnas.data.IdxReader;
import dev.jnas.util.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Image files turned into a model's input, as image-folder datasets are for training: PNG and
 * JPEG decoded by DJL's {@code ImageFactory} and converted to grayscale or RGB (the model's
 * channels), IDX images files (grayscale, e.g. Fashion-MNIST's) read whole; images of another
 * size are resized to the model's (area averaging when shrinking, bilinear when enlarging, rounded
 * to whole pixel values). The type is told by the file's first bytes, not its name.
 */
public final class ImageFiles {
  /** One image ready for a model: a name for the output and its {@code C x H x W} raw pixel values. */
  public record Input(String name, float[] pixels) {}

  private ImageFiles() {}

  /**
   * The images of {@code file} for a model of input {@code (C, H, W)}: one for a PNG or JPEG, all
   * of an IDX file's (named {@code file[i]}).
   *
   * @throws BadInputException naming the file when it is missing, of another type or undecodable
   */
  public static List<Input> read(Path file, Shape chw) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("image " + file + " does not exist");
    }
    byte[] head = new byte[4];
    int got;
    try (InputStream in = Files.newInputStream(file)) {
      got = in.readNBytes(head, 0, 4);
    } catch (IOException e) {
      throw new BadInputException("image " + file + " cannot be read: " + e.getMessage(), e);
    }
    int c = (int) chw.get(0);
    int h = (int) chw.get(1);
    int w = (int) chw.get(2);
    boolean idx = got == 4 && ((head[0] == 0 && head[1] == 0 && head[2] == 8 && head[3] == 3) || (head[0] == 0x1f && (head[1] & 0xff) == 0x8b));
    boolean png = got == 4 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
    boolean jpeg = got >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff;
    try (NDManager m = NDManager.newBaseManager()) {
      if (idx) {
        IdxReader.Images images = IdxReader.readImages(file);
        List<Input> out = new ArrayList<>();
        int size = images.rows() * images.cols();
        for (int i = 0; i < images.count(); i++) {
          try (NDManager s = m.newSubManager()) {
            byte[] one = java.util.Arrays.copyOfRange(images.pixels(), i * size, (i + 1) * size);
            NDArray gray = s.create(java.nio.ByteBuffer.wrap(one), new Shape(images.rows(), images.cols(), 1), DataType.UINT8);
            NDArray hwc = c == 1 ? gray : gray.repeat(2, c); // grey to RGB: the same value in every channel
            out.add(new Input(file + "[" + i + "]", chw(dev.jnas.data.ImageFolders.resize(hwc, h, w), c, h, w)));
          }
        }
        return out;
      }
      if (!png && !jpeg) {
        throw new BadInputException("image " + file + " is not a PNG, JPEG or IDX images file");
      }
      Image image;
      try {
        image = ImageFactory.getInstance().fromFile(file);
      } catch (IOException | RuntimeException e) {
        throw new BadInputException("image " + file + " cannot be decoded: " + e.getMessage(), e);
      }
      NDArray hwc = image.toNDArray(m, c == 1 ? Image.Flag.GRAYSCALE : Image.Flag.COLOR);
      return List.of(new Input(file.toString(), chw(dev.jnas.data.ImageFolders.resize(hwc, h, w), c, h, w)));
    }
  }

  private static float[] chw(NDArray hwc, int c, int h, int w) {
    byte[] src = hwc.toByteArray();
    float[] out = new float[c * h * w];
    int plane = h * w;
    for (int p = 0; p < plane; p++) {
      for (int k = 0; k < c; k++) {
        out[k * plane + p] = src[p * c + k] & 0xff;
      }
    }
    return out;
  }
}
