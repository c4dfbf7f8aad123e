// Writes Fashion-MNIST training images as PNG files, one folder per class, to try jnas's image
// folders without images of your own:
//   java -cp target/jnas.jar examples/images/ExportPngs.java experiments/clothes [per-class] [classes...]
// Default: 100 images each of Trouser (1), Bag (8) and Ankle boot (9).
import dev.jnas.data.FashionMnist;
import dev.jnas.data.ImageDataset;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

public class ExportPngs {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ExportPngs OUT_DIR [PER_CLASS] [CLASS...]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int perClass = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    List<Integer> classes = new ArrayList<>();
    for (int a = 2; a < args.length; a++) {
      classes.add(Integer.parseInt(args[a]));
    }
    if (classes.isEmpty()) {
      classes = List.of(1, 8, 9);
    }
    ImageDataset train = FashionMnist.load().train();
    int[] written = new int[train.numClasses()];
    for (int i = 0; i < train.size(); i++) {
      int label = train.label(i);
      if (!classes.contains(label) || written[label] >= perClass) {
        continue;
      }
      BufferedImage img = new BufferedImage(train.width(), train.height(), BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < train.height(); y++) {
        for (int x = 0; x < train.width(); x++) {
          img.getRaster().setSample(x, y, 0, train.pixel(i, 0, y, x));
        }
      }
      // "T-shirt/top" holds a slash: folder names may not
      Path dir = out.resolve(train.classNames().get(label).replace('/', '-').replace(' ', '_'));
      Files.createDirectories(dir);
      ImageIO.write(img, "png", dir.resolve(String.format("%05d.png", i)).toFile());
      written[label]++;
    }
    System.out.println("wrote " + classes.stream().mapToInt(c -> written[c]).sum() + " PNG files to " + out);
  }
}
