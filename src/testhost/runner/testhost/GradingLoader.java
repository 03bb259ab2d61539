package runner.testhost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one class loader of a job's own classes: the student's (compiled from the submission) and
 * the teacher's tests (compiled by this host from the PIT).
 *
 * <p>Both live in one loader, so a test in the student's package reaches package-private members
 * as it would under Maven or Gradle. What tells them apart is the protection domain each class is
 * defined with: the student's is {@link StudentPolicy#studentDomain}, which the security manager
 * holds to a few permissions; the teacher's is an ordinary one, trusted like the host.
 *
 * <p>Two rules keep student code away from the tests here (the third, no reflection, is {@link
 * BytecodePolicy}'s):
 *
 * <ul>
 *   <li>Parent first: JDK, JUnit and host classes always come from the host's class path, so a
 *       student's {@code org.junit.jupiter.api.Assertions} is never the one the tests call.
 *   <li>Resources of the teacher (test resources, test class files) are not found for student
 *       code.
 * </ul>
 */
final class GradingLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final List<Path> teacherRoots;
  private final List<Path> studentRoots;
  private final Set<String> teacherClasses;
  private final ProtectionDomain teacherDomain;
  private final ProtectionDomain studentDomain;
  // Made before the security manager is installed: it is the permission to see caller classes.
  private final StackWalker walker =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  GradingLoader(
      ClassLoader parent,
      Path testClasses,
      List<Path> testResources,
      Path mainClasses,
      List<Path> mainResources,
      ProtectionDomain studentDomain) {
    super("grading", parent);
    teacherRoots = new ArrayList<>();
    teacherRoots.add(testClasses);
    teacherRoots.addAll(testResources);
    studentRoots = new ArrayList<>();
    studentRoots.add(mainClasses);
    studentRoots.addAll(mainResources);
    teacherClasses = classNamesIn(testClasses);
    this.studentDomain = studentDomain;
    teacherDomain = new ProtectionDomain(codeSource(testClasses), null, this, null);
  }

  /** Binary names of the classes under {@code root}. */
  static Set<String> classNamesIn(Path root) {
    Set<String> names = new HashSet<>();
    if (!Files.isDirectory(root)) return names;
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> p.toString().endsWith(".class") && Files.isRegularFile(p))
          .forEach(
              p -> {
                String relative = root.relativize(p).toString();
                names.add(relative.substring(0, relative.length() - 6).replace('/', '.'));
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    String file = name.replace('.', '/') + ".class";
    boolean teacher = teacherClasses.contains(name);
    Path path = resolve(teacher ? teacherRoots.get(0) : studentRoots.get(0), file);
    if (path == null) throw new ClassNotFoundException(name);
    try {
      byte[] bytes = Files.readAllBytes(path);
      return defineClass(name, bytes, 0, bytes.length, teacher ? teacherDomain : studentDomain);
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }

  @Override
  protected URL findResource(String name) {
    for (Path root : visibleRoots()) {
      Path path = resolve(root, name);
      if (path != null) return url(path);
    }
    return null;
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    List<URL> found = new ArrayList<>();
    for (Path root : visibleRoots()) {
      Path path = resolve(root, name);
      if (path != null) found.add(url(path));
    }
    return Collections.enumeration(found);
  }

  private List<Path> visibleRoots() {
    if (calledByStudent()) return studentRoots;
    List<Path> all = new ArrayList<>(teacherRoots);
    all.addAll(studentRoots);
    return all;
  }

  /**
   * True when the code asking (the first frame that is neither this loader, the JDK nor the
   * host) is a student class.
   */
  @SuppressWarnings("removal")  // doPrivileged: the check itself must not need the student's rights
  private boolean calledByStudent() {
    return java.security.AccessController.doPrivileged(
        (java.security.PrivilegedAction<Boolean>) () -> walker.walk(
            frames ->
                frames
                    .map(StackWalker.StackFrame::getDeclaringClass)
                    .filter(c -> c != GradingLoader.class && c.getClassLoader() == this)
                    .findFirst()
                    .map(c -> c.getProtectionDomain() == studentDomain)
                    .orElse(false)));
  }

  /** {@code root/name} when it is a regular file there (no symbolic link on the way), else null. */
  private static Path resolve(Path root, String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("..")) return null;
    Path path = root.resolve(name).normalize();
    if (!path.startsWith(root)) return null;
    for (Path p = path; p != null && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) return null;
    }
    return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? path : null;
  }

  private static URL url(Path path) {
    try {
      return path.toUri().toURL();
    } catch (MalformedURLException e) {
      return null;
    }
  }

  static CodeSource codeSource(Path root) {
    return new CodeSource(url(root), (Certificate[]) null);
  }
}
