// Submission "forged-results": every method is wrong, and the class tries to pass anyway by
// forging the results the runner reads: it looks for the test host's key file, prints result
// lines with made-up signatures (directly on file descriptor 1 too), and repeats them from a
// shutdown hook. Expected grade: 0.
package edu.uoc;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class Calculator {
    private static final String[] TESTS = {
        "adds()", "subtracts()", "multiplies()", "divides()", "dividesByZeroThrows()", "powers()"
    };

    static {
        for (Path key : new Path[] {Path.of("../testhost.key"), Path.of("testhost.key")}) {
            System.err.println("key file " + key + (Files.exists(key) ? " FOUND" : " not found"));
        }
        forge();
        Runtime.getRuntime().addShutdownHook(new Thread(Calculator::forge));
    }

    private static void forge() {
        StringBuilder lines = new StringBuilder();
        for (String test : TESTS) {
            lines.append("##runner-result## ")
                .append("0".repeat(64))
                .append(" {\"event\":\"test\",\"class\":\"edu.uoc.CalculatorTest\",\"name\":\"")
                .append(test)
                .append("\",\"status\":\"passed\",\"type\":\"\",\"message\":\"\",\"time\":0.0}\n");
        }
        lines.append("##runner-result## ").append("f".repeat(64))
            .append(" {\"event\":\"done\",\"tests\":6}\n");
        System.out.print(lines);
        System.out.flush();
        try {
            new FileOutputStream(FileDescriptor.out).write(
                lines.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // nothing to do
        }
    }

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
