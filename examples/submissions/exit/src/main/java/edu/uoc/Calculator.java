// Submission "exit": correct results, except that divide() calls System.exit(0), which the
// student policy refuses: the two divide tests fail with the refusal, the other four pass.
package edu.uoc;

public class Calculator {

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
        System.exit(0); // kills the JVM running the tests
        return a / b;
    }

    public int power(int a, int n) {
        int result = 1;
        for (int i = 0; i < n; i++) {
            result *= a;
        }
        return result;
    }
}
