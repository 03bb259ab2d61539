// Submission "override-tests": a WRONG implementation (every method returns 0, divide
// never throws), so all 6 teacher tests fail.
// It also ships its own trivially-passing src/test/java/edu/uoc/CalculatorTest.java,
// an extra StudentExtraTest, a junit-platform.properties and a
// TestExecutionListener service registration, to try to alter the test run.
package edu.uoc;

public class Calculator {

    public int add(int a, int b) {
        return 0;
    }

    public int subtract(int a, int b) {
        return 0;
    }

    public int multiply(int a, int b) {
        return 0;
    }

    public int divide(int a, int b) {
        return 0;
    }

    public int power(int a, int n) {
        return 0;
    }
}
