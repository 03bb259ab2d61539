package runner.testhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What a submission's classes may name, checked on their bytecode (with ASM) before any of them
 * is loaded: the half of the student policy that the security manager cannot see.
 *
 * <p>The teacher's tests and the student's classes share one class loader (so tests reach
 * package-private members), and within one runtime package Java's access rules let code read and
 * change package-private fields of its neighbours through reflection, with no permission check.
 * So student code may not use reflection at all: no {@code Class.forName}, no {@code
 * getDeclared*} or {@code getField}/{@code getMethod}, no {@code java.lang.reflect}, no method
 * handle lookups, no class loaders, no deserialisation, and nothing of the JDK's internals. This
 * covers method references too ({@code Class::forName} as a lambda). Everything else is left to
 * the security manager ({@link StudentPolicy}); {@code student_permissions: [reflection]} turns
 * this check off.
 */
final class BytecodePolicy {
  private BytecodePolicy() {}

  /** Whole classes (internal names, or prefixes ending in '/') student code may not use. */
  private static final Set<String> DENIED_OWNERS = Set.of(
      "java/lang/ClassLoader", "java/lang/reflect/", "java/lang/invoke/MethodHandles",
      "java/lang/invoke/MethodHandles$Lookup", "java/lang/instrument/", "java/io/ObjectInputStream",
      "java/security/SecureClassLoader", "java/net/URLClassLoader", "sun/", "jdk/internal/",
      "com/sun/", "java/lang/StackWalker");

  /** Members of java/lang/Class that reach other classes' members or loaders. */
  private static final Set<String> DENIED_CLASS_METHODS = Set.of(
      "forName", "getDeclaredField", "getDeclaredFields", "getDeclaredMethod",
      "getDeclaredMethods", "getDeclaredConstructor", "getDeclaredConstructors", "getField",
      "getFields", "getMethod", "getMethods", "getConstructor", "getConstructors",
      "getDeclaredClasses", "getClasses", "getClassLoader", "newInstance", "getRecordComponents",
      "getEnclosingMethod", "getEnclosingConstructor", "getNestHost", "getNestMembers");

  /** The bootstrap methods javac emits (lambdas, string concatenation, records, switches). */
  private static final Set<String> ALLOWED_BOOTSTRAPS = Set.of(
      "java/lang/invoke/LambdaMetafactory", "java/lang/invoke/StringConcatFactory",
      "java/lang/runtime/ObjectMethods", "java/lang/runtime/SwitchBootstraps");

  /** Null when the class file keeps to the policy, else what it uses, in words. */
  static String violation(Path classFile) throws IOException {
    Checker checker = new Checker();
    new ClassReader(Files.readAllBytes(classFile)).accept(checker, ClassReader.SKIP_FRAMES);
    return checker.found;
  }

  private static String deniedMember(String owner, String name) {
    if (owner.startsWith("[")) return null;  // array clone() and the like
    for (String denied : DENIED_OWNERS) {
      if (denied.endsWith("/") ? owner.startsWith(denied) : owner.equals(denied)) {
        return owner.replace('/', '.') + (name == null ? "" : "." + name);
      }
    }
    if (owner.equals("java/lang/Class") && name != null && DENIED_CLASS_METHODS.contains(name)) {
      return "java.lang.Class." + name;
    }
    if (owner.equals("java/lang/Thread") && name != null && name.endsWith("ContextClassLoader")) {
      return "java.lang.Thread." + name;
    }
    return null;
  }

  private static final class Checker extends ClassVisitor {
    String found;

    Checker() {
      super(Opcodes.ASM9);
    }

    void use(String owner, String name) {
      if (found != null || owner == null) return;
      String what = deniedMember(owner, name);
      if (what != null) found = what;
    }

    void type(Type t) {
      if (t.getSort() == Type.ARRAY) t = t.getElementType();
      if (t.getSort() == Type.OBJECT) use(t.getInternalName(), null);
      if (t.getSort() == Type.METHOD) {
        for (Type a : t.getArgumentTypes()) type(a);
        type(t.getReturnType());
      }
    }

    void constant(Object value) {
      if (value instanceof Type t) {
        type(t);
      } else if (value instanceof Handle h) {
        use(h.getOwner(), h.getName());
      } else if (value instanceof ConstantDynamic c) {
        use(c.getBootstrapMethod().getOwner(), c.getBootstrapMethod().getName());
        for (int i = 0; i < c.getBootstrapMethodArgumentCount(); i++) {
          constant(c.getBootstrapMethodArgument(i));
        }
      }
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
        String[] interfaces) {
      use(superName, null);
      if (interfaces != null) {
        for (String i : interfaces) use(i, null);
      }
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String descriptor, String signature, String[] exceptions) {
      return new MethodVisitor(Opcodes.ASM9) {
        @Override
        public void visitMethodInsn(
            int opcode, String owner, String method, String desc, boolean isInterface) {
          use(owner, method);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String field, String desc) {
          use(owner, field);
          type(Type.getType(desc));
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
          type(Type.getObjectType(type));
        }

        @Override
        public void visitLdcInsn(Object value) {
          constant(value);
        }

        @Override
        public void visitInvokeDynamicInsn(
            String method, String desc, Handle bootstrap, Object... arguments) {
          if (!ALLOWED_BOOTSTRAPS.contains(bootstrap.getOwner())) {
            use(bootstrap.getOwner(), bootstrap.getName());
            if (found == null) found = "the bootstrap method " + bootstrap.getOwner().replace('/', '.');
          }
          for (Object argument : arguments) constant(argument);
        }
      };
    }
  }
}
