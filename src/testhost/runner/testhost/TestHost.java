package runner.testhost;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The runner's test host: runs the PIT's tests against a submission, for every build tool, and
 * streams each result to the runner as it happens (see {@link ResultChannel}).
 *
 * <p>The build tools (Maven, Gradle) only compile the student's code and say which libraries the
 * tests need; for {@code javac} PITs this host compiles the student's sources itself. Then it
 * compiles the teacher's tests, which never enter the student's project, loads both through one
 * {@link GradingLoader} and runs the tests with the security manager of {@link StudentPolicy}
 * installed, so student code can neither reach the result channel nor the tests.
 *
 * <p>Usage: {@code TestHost --key-file F --main-classes DIR [--main-sources LIST]
 * [--main-resources DIR]... [--library JAR]... --test-sources LIST --test-classes DIR
 * [--test-resources DIR]... --test-root DIR --project DIR [--grant NAME]... --select-class
 * NAME...}. Exit codes: 0 the tests ran (whatever their outcome), 1 the sources do not compile, 2
 * the host itself could not work (a message says why), 3 the submission was rejected.
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

  /** Packages a submission may not put classes in: the JDK's, the test frameworks' and ours. */
  private static final List<String> RESERVED_PACKAGES = List.of(
      "java.", "javax.", "jdk.", "sun.", "com.sun.", "org.junit.", "junit.", "org.opentest4j.",
      "org.apiguardian.", "org.hamcrest.", "runner.testhost.");

  private static int run(Options options) {
    // The key goes first, before anything the student wrote can run.
    ResultChannel channel;
    try {
      channel = new ResultChannel(readAndDelete(options.keyFile));
    } catch (IOException e) {
      throw new UsageError("cannot take the result key " + options.keyFile + ": " + e);
    }

    String libraries = String.join(File.pathSeparator, options.libraries);
    Path mainClasses = Path.of(options.mainClasses);
    Path testClasses = Path.of(options.testClasses);
    try {
      Compiler compiler = new Compiler();
      boolean compiled = true;
      if (options.mainSources != null) {
        // A build plan names the main code's own class path (the pom's compile scope);
        // otherwise the main code sees the same libraries as the tests.
        String mainPath = options.mainClassPath != null ? options.mainClassPath : libraries;
        compiled = compiler.compile(Path.of(options.mainSources), mainClasses, mainPath,
            options.mainSettings, Path.of(options.project), true, System.out);
      }
      if (compiled) {
        String testPath = join(options.mainClasses, libraries, options.junit);
        compiled = compiler.compile(Path.of(options.testSources), testClasses, testPath,
            List.of(), Path.of(options.testRoot), false, System.out);
      }
      System.out.flush();
      channel.compiled(compiled);
      if (!compiled) return 1;
    } catch (IOException e) {
      throw new UsageError("cannot compile: " + e);
    }

    String rejection = rejection(mainClasses, testClasses, options.grants);
    if (rejection != null) {
      channel.rejected(rejection);
      return 3;
    }

    ClassLoader host = TestHost.class.getClassLoader();
    ClassLoader libraryLoader = new URLClassLoader("libraries", urls(options.libraries), host);
    List<Path> mainResources = paths(options.mainResources);
    ProtectionDomain student = StudentPolicy.studentDomain(
        mainClasses, mainResources, Path.of(options.project), options.grants);
    GradingLoader loader = new GradingLoader(libraryLoader, testClasses,
        paths(options.testResources), mainClasses, mainResources, student);

    channel.log("[runner] running tests");
    ResultListener listener = new ResultListener(channel);
    // The launcher and its engines are found before any submission class is loaded, from the
    // host's class path only: engines or extensions a submission ships are never seen.
    Launcher launcher = LauncherFactory.create();
    StudentPolicy.install();
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (String name : options.testClassNames) {
      try {
        selectors.add(DiscoverySelectors.selectClass(Class.forName(name, false, loader)));
      } catch (ClassNotFoundException | LinkageError e) {
        channel.log("[runner] test class " + name + " cannot be loaded: " + e);
      }
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectors)
        .filters(EngineFilter.excludeEngines("junit-platform-suite"))
        .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
        .build();
    Thread.currentThread().setContextClassLoader(loader);
    launcher.execute(request, listener);
    Thread.currentThread().setContextClassLoader(host);
    channel.done(listener.reportedCount());
    System.out.flush();
    System.err.flush();
    // halt, not exit: threads the tests left running do not get to delay the end of the job.
    Runtime.getRuntime().halt(0);
    return 0;
  }

  /** Why the submission's classes cannot be run as they are, or null when they can. */
  private static String rejection(Path mainClasses, Path testClasses, Set<String> grants) {
    Set<String> teacher = GradingLoader.classNamesIn(testClasses);
    for (String name : new java.util.TreeSet<>(GradingLoader.classNamesIn(mainClasses))) {
      String reason = reservedName(name, teacher);
      if (reason != null) return "class " + name + " " + reason;
      if (grants.contains("reflection")) continue;
      Path file = mainClasses.resolve(name.replace('.', '/') + ".class");
      try {
        String used = BytecodePolicy.violation(file);
        if (used != null) {
          return "class " + name + " uses " + used + ": reflection and class loading are not"
              + " allowed in this assignment (the PIT can allow them: student_permissions)";
        }
      } catch (IOException | RuntimeException e) {
        return "class " + name + " cannot be read as a class file: " + e.getMessage();
      }
    }
    return null;
  }

  /** Why a submission may not define class {@code name}, or null when it may. */
  private static String reservedName(String name, Set<String> teacher) {
    if (teacher.contains(name)) return "has the name of one of the assignment's tests";
    for (String prefix : RESERVED_PACKAGES) {
      if (name.startsWith(prefix)) return "is in the reserved package " + prefix + "*";
    }
    return null;
  }

  private static String join(String... parts) {
    List<String> kept = new ArrayList<>();
    for (String part : parts) {
      if (part != null && !part.isEmpty()) kept.add(part);
    }
    return String.join(File.pathSeparator, kept);
  }

  private static List<Path> paths(List<String> names) {
    List<Path> paths = new ArrayList<>();
    for (String name : names) paths.add(Path.of(name));
    return paths;
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
    String mainClasses;
    String mainSources;
    final List<String> mainResources = new ArrayList<>();
    final List<String> libraries = new ArrayList<>();
    String mainClassPath;
    final List<String> mainSettings = new ArrayList<>();
    String testSources;
    String testClasses;
    final List<String> testResources = new ArrayList<>();
    String testRoot;
    String project;
    String junit = "";
    final Set<String> grants = new HashSet<>();
    final List<String> testClassNames = new ArrayList<>();

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) throw new UsageError(flag + " needs a value");
        String value = args[++i];
        switch (flag) {
          case "--key-file" -> o.keyFile = value;
          case "--main-classes" -> o.mainClasses = value;
          case "--main-sources" -> o.mainSources = value;
          case "--main-resources" -> o.mainResources.add(value);
          case "--library" -> o.libraries.add(value);
          case "--main-class-path" -> o.mainClassPath = value;
          case "--main-javac-option" -> o.mainSettings.add(value);
          case "--junit" -> o.junit = value;
          case "--test-sources" -> o.testSources = value;
          case "--test-classes" -> o.testClasses = value;
          case "--test-resources" -> o.testResources.add(value);
          case "--test-root" -> o.testRoot = value;
          case "--project" -> o.project = value;
          case "--grant" -> {
            if (!StudentPolicy.GRANTS.contains(value)) throw new UsageError("unknown grant " + value);
            o.grants.add(value);
          }
          case "--select-class" -> o.testClassNames.add(value);
          default -> throw new UsageError("unknown option " + flag);
        }
      }
      if (o.keyFile == null || o.mainClasses == null || o.testSources == null
          || o.testClasses == null || o.testRoot == null || o.project == null) {
        throw new UsageError(
            "--key-file, --main-classes, --test-sources, --test-classes, --test-root and --project"
                + " are required");
      }
      return o;
    }
  }
}
