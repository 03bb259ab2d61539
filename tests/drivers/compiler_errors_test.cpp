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

}  // namespace
}  // namespace runner::drivers
