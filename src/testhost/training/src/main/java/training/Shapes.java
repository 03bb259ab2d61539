// A training submission for the test host's class-data archive: a little of what graded code
// does (collections, strings, exceptions), so the classes a typical grade loads get archived.
package training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public class Shapes {
  public static double area(String shape, double size) {
    switch (shape) {
      case "square":
        return size * size;
      case "circle":
        return Math.PI * size * size;
      default:
        throw new IllegalArgumentException("unknown shape: " + shape);
    }
  }

  public static Map<String, Integer> countWords(String text) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String word : text.toLowerCase().split("\\s+")) {
      if (!word.isEmpty()) counts.merge(word, 1, Integer::sum);
    }
    return counts;
  }

  public static List<Integer> evens(int upTo) {
    List<Integer> result = new ArrayList<>();
    for (int i = 0; i <= upTo; i += 2) result.add(i);
    return result;
  }
}
