package runner.testhost;

import java.io.FilePermission;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.ReflectPermission;
import java.net.SocketPermission;
import java.nio.file.Path;
import java.security.AllPermission;
import java.security.CodeSource;
import java.security.Permission;
import java.security.PermissionCollection;
import java.security.Permissions;
import java.security.Policy;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.PropertyPermission;
import java.util.Set;

/**
 * What student code may do inside the test host, enforced by the JDK's security manager.
 *
 * <p>Every class of the submission is defined with {@link #studentDomain}, whose permissions are
 * fixed here (the policy is never asked about it). The JDK checks a permission against every frame
 * on the stack, so whenever student code is running (called from a test, in a thread it started,
 * in a finaliser) the check fails unless the student domain has the permission. Everything else
 * (the JDK, this host, JUnit, libraries, the teacher's tests) gets all permissions.
 *
 * <p>By default student code may read system properties, manage the threads it starts and read
 * its own classes and resources; nothing else: no files (so no {@code /proc/self/mem} and no
 * {@code /proc/self/fd/N}), no reflection past access checks, no {@code Unsafe}, no native
 * libraries, no processes, no sockets, no class loaders, no {@code System.exit} or {@code halt},
 * no {@code System.setOut}, no shutdown hooks. A PIT can grant more with {@code
 * student_permissions} (see docs/sandbox.md).
 *
 * <p>The security manager is deprecated for removal (JEP 411) but fully functional in Java 17,
 * the release Runner grades with. A JDK that no longer has it must replace this class with load-
 * time instrumentation before it can be used.
 */
@SuppressWarnings("removal")
final class StudentPolicy {
  private StudentPolicy() {}

  /** The names a PIT may list in {@code student_permissions}. */
  static final Set<String> GRANTS = Set.of("reflection", "files", "network");

  static ProtectionDomain studentDomain(
      Path mainClasses, List<Path> readable, Path projectDir, Set<String> grants) {
    Permissions p = new Permissions();
    p.add(new PropertyPermission("*", "read"));
    // Executors' shutdown() asks for it; it does not reach the host's threads' state.
    p.add(new RuntimePermission("modifyThread"));
    p.add(new FilePermission(mainClasses + "/-", "read"));
    for (Path dir : readable) p.add(new FilePermission(dir + "/-", "read"));
    if (grants.contains("reflection")) {
      p.add(new ReflectPermission("suppressAccessChecks"));
      p.add(new RuntimePermission("accessDeclaredMembers"));
    }
    if (grants.contains("files")) {
      p.add(new FilePermission(projectDir + "/-", "read,write,delete"));
      p.add(new FilePermission(projectDir.toString(), "read"));
    }
    if (grants.contains("network")) p.add(new SocketPermission("*", "connect,accept,listen,resolve"));
    p.setReadOnly();
    return new ProtectionDomain(GradingLoader.codeSource(mainClasses), p);
  }

  /** Installs the security manager; from here on {@link #studentDomain}'s limits hold. */
  static void install() {
    Policy.setPolicy(new TrustEverythingElse());
    // Java 17 warns on stderr that setSecurityManager is deprecated: not for the student's log.
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    try {
      System.setSecurityManager(new SecurityManager());
    } finally {
      System.setErr(err);
    }
  }

  /** All permissions for every domain the policy is asked about (the student's is never). */
  private static final class TrustEverythingElse extends Policy {
    @Override
    public PermissionCollection getPermissions(CodeSource codeSource) {
      Permissions all = new Permissions();
      all.add(new AllPermission());
      return all;
    }

    @Override
    public PermissionCollection getPermissions(ProtectionDomain domain) {
      return getPermissions((CodeSource) null);
    }

    @Override
    public boolean implies(ProtectionDomain domain, Permission permission) {
      return true;
    }
  }
}
