// Submission "broken": does not compile (missing semicolon and a type error).
package edu.uoc;

public class Calculator {

    public int add(int a, int b) {
        return a + b
    }

    public int subtract(int a, int b) {
        String r = a - b;
        return r;
    }

    public int multiply(int a, int b) {
        return a * b;
    }

    public int divide(int a, int b) {
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
