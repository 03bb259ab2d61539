class Calculator:
    def add(self, a, b)
        return a + b
