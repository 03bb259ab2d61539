// What a student sees of a failed compile: each diagnostic once, with the lines that explain
// it, and nothing quoted from a test the PIT hides. The outputs are javac 17's and Maven
// 3.8.7's (maven-compiler-plugin 3.10) own.
#include <gtest/gtest.h>

#include "drivers/step.hpp"

namespace runner::drivers {
namespace {

const std::filesystem::path kProject = "/job/project";

const char* kJavac =
    "Compiling 2 source files\n"
    "/job/project/src/test/java/edu/uoc/CalculatorTest.java:44: error: cannot find symbol\n"
    "        assertEquals(8, calc.power(2, 3));\n"
    "                            ^\n"
    "  symbol:   method power(int,int)\n"
    "  location: variable calc of type edu.uoc.Calculator\n"
    "/job/project/src/main/java/edu/uoc/Calculator.java:7: error: ';' expected\n"
    "        return a + b\n"
    "                    ^\n"
    "2 errors\n";

const char* kMaven =
    "[INFO] Compiling 1 source file to /job/project/target/classes\n"
    "[INFO] -------------------------------------------------------------\n"
    "[ERROR] COMPILATION ERROR : \n"
    "[INFO] -------------------------------------------------------------\n"
    "[ERROR] /job/project/src/test/java/edu/uoc/CalculatorTest.java:[44,29] cannot find symbol\n"
    "[ERROR]   symbol:   method power(int,int)\n"
    "[ERROR]   location: variable calc of type edu.uoc.Calculator\n"
    "[INFO] 1 error\n"
    "[INFO] BUILD FAILURE\n"
    "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:"
    "testCompile (default-testCompile) on project calculator: Compilation failure\n"
    "[ERROR] /job/project/src/test/java/edu/uoc/CalculatorTest.java:[44,29] cannot find symbol\n"
    "[ERROR]   symbol:   method power(int,int)\n"
    "[ERROR]   location: variable calc of type edu.uoc.Calculator\n"
    "[ERROR] -> [Help 1]\n";

TEST(CompilerErrors, JavacKeepsSourceCaretSymbolAndLocation) {
  EXPECT_EQ(compiler_errors(kJavac, kProject),
            "src/test/java/edu/uoc/CalculatorTest.java:44: error: cannot find symbol\n"
            "        assertEquals(8, calc.power(2, 3));\n"
            "                            ^\n"
            "  symbol:   method power(int,int)\n"
            "  location: variable calc of type edu.uoc.Calculator\n"
            "src/main/java/edu/uoc/Calculator.java:7: error: ';' expected\n"
            "        return a + b\n"
            "                    ^");
}

TEST(CompilerErrors, MavenKeepsSymbolLinesAndPrintsEachErrorOnce) {
  EXPECT_EQ(compiler_errors(kMaven, kProject),
            "[ERROR] src/test/java/edu/uoc/CalculatorTest.java:[44,29] cannot find symbol\n"
            "[ERROR]   symbol:   method power(int,int)\n"
            "[ERROR]   location: variable calc of type edu.uoc.Calculator");
}

TEST(CompilerErrors, AHiddenTestIsNeverQuoted) {
  const std::vector<std::string> hidden{"src/test/java/edu/uoc/CalculatorTest.java"};
  EXPECT_EQ(compiler_errors(kJavac, kProject, hidden),
            "(a hidden test): error: cannot find symbol\n"
            "  symbol:   method power(int,int)\n"
            "src/main/java/edu/uoc/Calculator.java:7: error: ';' expected\n"
            "        return a + b\n"
            "                    ^");
  EXPECT_EQ(compiler_errors(kMaven, kProject, hidden),
            "[ERROR] (a hidden test): error: cannot find symbol\n"
            "[ERROR]   symbol:   method power(int,int)");
  // Output the parser does not recognise is not passed on when it names a hidden test.
  EXPECT_EQ(compiler_errors("oops in /job/project/src/test/java/edu/uoc/CalculatorTest.java\n",
                            kProject, hidden),
            "the tests did not compile (the compiler's messages are about a hidden test)");
}

// Maven 3.8.7 offline with a dependency Debian does not package: the artifact, not "[Help 1]".
TEST(LastErrorLine, NamesTheMissingArtifactAndSkipsMavensAdvice) {
  const char* output =
      "[ERROR] Failed to execute goal on project calculator: Could not resolve dependencies for "
      "project edu.uoc:calculator:jar:1.0: Cannot access central "
      "(https://repo.maven.apache.org/maven2) in offline mode and the artifact "
      "org.assertj:assertj-core:jar:3.24.2 has not been downloaded from it before. -> [Help 1]\n"
      "[ERROR] \n"
      "[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n"
      "[ERROR] [Help 1] "
      "http://cwiki.apache.org/confluence/display/MAVEN/DependencyResolutionException\n";
  EXPECT_EQ(last_error_line(output),
            "the PIT's build needs org.assertj:assertj-core:jar:3.24.2, which is not in the "
            "offline repository (/usr/share/maven-repo, Debian's packages)");
  EXPECT_EQ(last_error_line("[ERROR] Failed to execute goal x: compilation of the PIT broke\n"
                            "[ERROR] -> [Help 1]\n[ERROR] Re-run Maven using the -X switch\n"),
            "Failed to execute goal x: compilation of the PIT broke");
  EXPECT_EQ(last_error_line("[ERROR] Failed to execute goal on project calculator: Could not "
                            "resolve dependencies for project x:y:jar:1: Could not find artifact "
                            "org.assertj:assertj-core:jar:3.24.2 in debian (file:///usr/share/"
                            "maven-repo)\n[ERROR] -> [Help 1]\n"),
            "the PIT's build needs org.assertj:assertj-core:jar:3.24.2, which is not in the "
            "offline repository (/usr/share/maven-repo, Debian's packages)");
}

}  // namespace
}  // namespace runner::drivers
