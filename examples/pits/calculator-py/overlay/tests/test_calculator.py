# The hidden tests of the calculator-py example: the student provides calculator.py.
import pytest

from calculator import Calculator


def test_adds():
    assert Calculator().add(2, 3) == 5


def test_subtracts():
    assert Calculator().subtract(2, 3) == -1


def test_multiplies():
    assert Calculator().multiply(4, 3) == 12


def test_divides():
    assert Calculator().divide(7, 2) == 3.5


def test_divide_by_zero():
    with pytest.raises(ZeroDivisionError):
        Calculator().divide(1, 0)


class TestPower:
    def test_squares(self):
        assert Calculator().power(3, 2) == 9
