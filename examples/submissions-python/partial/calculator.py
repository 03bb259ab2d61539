class Calculator:
    def add(self, a, b):
        return a + b

    def subtract(self, a, b):
        return b - a  # wrong order

    def multiply(self, a, b):
        return a * b

    def divide(self, a, b):
        return a // b  # integer division: 7 / 2 is 3

    def power(self, a, b):
        return a ** b
