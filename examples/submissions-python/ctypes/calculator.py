# Reaches for raw memory through ctypes: refused while the tests are imported.
import ctypes


class Calculator:
    def add(self, a, b):
        return ctypes.c_int(a + b).value

    subtract = multiply = divide = power = add
