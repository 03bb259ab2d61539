package runner.testhost;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The runner's test host: compiles a job's sources and runs the PIT's test classes in one JVM,
 * streaming each result to the runner as it happens (see {@link ResultChannel}).
 *
 * <p>One JVM instead of two (javac, then the console launcher) halves the start-up cost of a
 * javac grade, and with a class-data-sharing archive of this host, javac and JUnit most of what
 * is left goes too. The runner starts it inside the sandbox like any other build command.
 *
 * <p>Usage: {@code TestHost --key-file F --classes DIR --sources ARGFILE --compile-class-path CP
 * [--class-path DIR]... --select-class NAME...}. Exit codes: 0 the tests ran (whatever their
 * outcome), 1 the sources do not compile, 2 the host itself could not work (a message says why).
 */
public final class TestHost {
  private TestHost() {}

  public static void main(String[] args) {
    try {
      System.exit(run(Options.parse(args)));
    } catch (UsageError e) {
      System.err.println("test host: " + e.getMessage());
      System.exit(2);
    }
  }

  private static int run(Options options) {
    // The key goes first, before anything the student wrote can run (annotation processing is
    // off, so compiling runs none of it).
    ResultChannel channel;
    try {
      channel = new ResultChannel(readAndDelete(options.keyFile));
    } catch (IOException e) {
      throw new UsageError("cannot take the result key " + options.keyFile + ": " + e);
    }

    List<String> javac = new ArrayList<>(List.of(
        "-d", options.classes, "-encoding", "UTF-8", "-proc:none", "-nowarn", "-Xmaxerrs", "50",
        "-cp", options.compileClassPath, "@" + options.sources));
    var compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) throw new UsageError("no Java compiler in this runtime (a JDK is needed)");
    boolean compiled = compiler.run(null, System.out, System.err, javac.toArray(String[]::new)) == 0;
    System.out.flush();
    System.err.flush();
    channel.compiled(compiled);
    if (!compiled) return 1;

    channel.log("[runner] running tests");
    ResultListener listener = new ResultListener(channel);
    ClassLoader host = Thread.currentThread().getContextClassLoader();
    // The submission's classes get a loader of their own, used only once the tests run: engines,
    // extensions or junit-platform.properties it ships are never seen by the launcher.
    URLClassLoader student = new URLClassLoader(urls(options.classPath), host);
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (String name : options.testClasses) {
      try {
        selectors.add(DiscoverySelectors.selectClass(Class.forName(name, false, student)));
      } catch (ClassNotFoundException | LinkageError e) {
        channel.log("[runner] test class " + name + " cannot be loaded: " + e);
      }
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectors)
        .filters(EngineFilter.excludeEngines("junit-platform-suite"))
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
        .build();
    Launcher launcher = LauncherFactory.create();
    Thread.currentThread().setContextClassLoader(student);
    launcher.execute(request, listener);
    Thread.currentThread().setContextClassLoader(host);
    channel.done(listener.reportedCount());
    System.out.flush();
    System.err.flush();
    // halt, not exit: threads the tests left running and shutdown hooks they added do not get to
    // delay the end of the job.
    Runtime.getRuntime().halt(0);
    return 0;
  }

  /** The key file holds at least 32 bytes in hex; it is gone before this returns. */
  private static byte[] readAndDelete(String file) throws IOException {
    Path path = Path.of(file);
    byte[] text = Files.readAllBytes(path);
    Files.delete(path);
    try {
      byte[] key = HexFormat.of().parseHex(new String(text, StandardCharsets.US_ASCII).trim());
      if (key.length < 32) throw new IOException("key shorter than 32 bytes");
      return key;
    } catch (IllegalArgumentException e) {
      throw new IOException("key is not hex");
    } finally {
      Arrays.fill(text, (byte) 0);
    }
  }

  private static URL[] urls(List<String> paths) {
    URL[] urls = new URL[paths.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = new File(paths.get(i)).toURI().toURL();
      } catch (java.net.MalformedURLException e) {
        throw new UsageError("bad class path entry " + paths.get(i));
      }
    }
    return urls;
  }

  private static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  private static final class Options {
    String keyFile;
    String classes;
    String sources;
    String compileClassPath = "";
    final List<String> classPath = new ArrayList<>();
    final List<String> testClasses = new ArrayList<>();

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) throw new UsageError(flag + " needs a value");
        String value = args[++i];
        switch (flag) {
          case "--key-file" -> o.keyFile = value;
          case "--classes" -> o.classes = value;
          case "--sources" -> o.sources = value;
          case "--compile-class-path" -> o.compileClassPath = value;
          case "--class-path" -> o.classPath.add(value);
          case "--select-class" -> o.testClasses.add(value);
          default -> throw new UsageError("unknown option " + flag);
        }
      }
      if (o.keyFile == null || o.classes == null || o.sources == null) {
        throw new UsageError("--key-file, --classes and --sources are required");
      }
      o.classPath.add(0, o.classes);
      return o;
    }
  }
}
