package runner.testhost;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticListener;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * javac in this JVM, for the student's sources and then the teacher's tests.
 *
 * <p>Sources come as a list of paths, one per line (never a javac argument file, whose quoting a
 * file name could break out of). Annotation processing is off and nothing is compiled implicitly
 * from the class path, so compiling runs no student code and cannot slip a student's source into
 * the tests' output.
 */
final class Compiler {
  private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();

  Compiler() {
    if (javac == null) throw new IllegalStateException("no Java compiler in this runtime");
  }

  /**
   * Compiles the sources listed in {@code sourceList} into {@code out}. Diagnostics go to {@code
   * log} as "file:line: error: message"; with {@code quoteSource} the source line and a caret
   * follow (the student's own code), without it they do not (hidden tests). {@code settings} are
   * the PIT's own compiler settings (a Maven or Gradle build plan: release, encoding, debug
   * information, lint), already limited by the runner to options that run no code; when they
   * name no encoding, sources are UTF-8.
   */
  boolean compile(
      Path sourceList,
      Path out,
      String classPath,
      List<String> settings,
      Path relativeTo,
      boolean quoteSource,
      PrintStream log)
      throws IOException {
    List<String> sources = new ArrayList<>();
    for (String line : Files.readAllLines(sourceList, StandardCharsets.UTF_8)) {
      if (!line.isEmpty()) sources.add(line);
    }
    Files.createDirectories(out);
    if (sources.isEmpty()) return true;
    List<String> options = new ArrayList<>(
        List.of(
            "-d", out.toString(), "-proc:none", "-implicit:none", "-sourcepath", "", "-nowarn",
            "-Xmaxerrs", "50", "-cp", classPath));
    if (!settings.contains("-encoding")) options.addAll(List.of("-encoding", "UTF-8"));
    options.addAll(settings);
    DiagnosticListener<JavaFileObject> report = d -> print(d, relativeTo, quoteSource, log);
    try (StandardJavaFileManager files = javac.getStandardFileManager(report, null, UTF_8)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromStrings(sources);
      return javac.getTask(null, files, report, options, null, units).call();
    } finally {
      log.flush();
    }
  }

  private static final java.nio.charset.Charset UTF_8 = StandardCharsets.UTF_8;

  private static void print(
      Diagnostic<? extends JavaFileObject> d, Path relativeTo, boolean quoteSource, PrintStream log) {
    if (d.getKind() != Diagnostic.Kind.ERROR) return;
    String where = "";
    if (d.getSource() != null) {
      Path file = Path.of(d.getSource().toUri());
      where = (file.startsWith(relativeTo) ? relativeTo.relativize(file) : file.getFileName())
          + ":" + d.getLineNumber() + ": ";
    }
    // As javac prints them: the message's first line, the source line and a caret, then the
    // rest of the message ("symbol: ...", "location: ...").
    String[] message = d.getMessage(Locale.ROOT).split("\n", 2);
    log.println(where + "error: " + message[0]);
    if (quoteSource && d.getSource() != null && d.getLineNumber() > 0) {
      try {
        String text = d.getSource().getCharContent(true).toString();
        String[] lines = text.split("\n", -1);
        int n = (int) d.getLineNumber();
        if (n <= lines.length) {
          log.println(lines[n - 1].replace("\r", ""));
          long column = Math.max(1, d.getColumnNumber());
          log.println(" ".repeat((int) Math.min(column - 1, 400)) + "^");
        }
      } catch (IOException e) {
        // the message alone is still useful
      }
    }
    if (message.length > 1) log.println(message[1]);
  }
}
