"""The expression language: what it accepts, what it refuses and where, and abuse."""

import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradviz
from gradviz import ExpressionError, parse

ACCEPTED = {
    "2": 2.0, "2.5": 2.5, ".5": 0.5, "1e-3": 1e-3, "1.5E2": 150.0, "pi": math.pi, "e": math.e,
    "x": 0.7, "y": -1.3, "(x + y) * 2": -1.2, "x - y / 2": 1.35, "-x^2": -0.49, "-x**2": -0.49,
    "2^3^2": 512.0, "2**3**2": 512.0, "x^-1": 1 / 0.7, "-2^2": -4.0, "+x": 0.7, "--x": 0.7,
    "2 * -y": 2.6, "sin(x)": math.sin(0.7), "cos(y)": math.cos(-1.3), "tan(x)": math.tan(0.7),
    "exp(x)": math.exp(0.7), "log(x)": math.log(0.7), "ln(x)": math.log(0.7),
    "log2(x)": math.log2(0.7), "log10(x)": math.log10(0.7), "sqrt(x)": math.sqrt(0.7),
    "tanh(y)": math.tanh(-1.3), "sinh(y)": math.sinh(-1.3), "cosh(y)": math.cosh(-1.3),
    "abs(y)": 1.3, "asin(x)": math.asin(0.7), "acos(x)": math.acos(0.7), "atan(y)": math.atan(-1.3),
    "arcsin(x)": math.asin(0.7), "arccos(x)": math.acos(0.7), "arctan(y)": math.atan(-1.3),
    "x \u2212 y": 2.0, "2 \u00d7 x": 1.4,
    "a = x + y; b = x - y; a * b": 0.7**2 - 1.3**2, "a = x\nf = a^2": 0.49,
}


@pytest.mark.parametrize("text", sorted(ACCEPTED))
def test_accepted_syntax_evaluates(text):
    assert parse(text)(0.7, -1.3) == pytest.approx(ACCEPTED[text], rel=1e-15)


# text: (problem fragment, 0-based position)
REFUSED = {
    "x + z": ("unknown name 'z'", 4),
    "__import__('os').system('ls')": ("unknown function '__import__'", 0),
    "__import__": ("unknown name '__import__'", 0),
    "x.real": ("attribute", 1),
    "x[0]": ("subscript", 1),
    "lambda: x": ("lambda", 0),
    "lambda x: x": ("keyword 'lambda'", 0),
    "[x for x in y]": ("subscript", 0),
    "'x'": ("string", 0),
    "import os": ("keyword 'import'", 0),
    "x = 1": ("must be the expression", 0),
    "x=1": ("must be the expression", 0),
    "x; y": ("must be a definition", 0),
    "foo(x)": ("unknown function 'foo'", 0),
    "sin": ("is a function", 0),
    "sin x": ("is a function", 0),
    "(x + y": ("missing ')'", 0),
    "x + y)": ("unbalanced ')'", 5),
    "": ("empty expression", 0),
    "   ": ("empty expression", 0),
    "x +": ("ends too early", 3),
    "2x": ("missing operator", 1),
    "x y": ("missing operator", 2),
    "sin(x, y)": ("one argument", 5),
    "sin()": ("needs an argument", 4),
    "x(2)": ("not a function", 0),
    "x @ y": ("'@'", 2),
    "x > y": ("comparison", 2),
    "a = x; a = y; a": ("defined twice", 7),
    "sin = x; sin": ("it is a function", 0),
    "pi = 3; pi": ("it is a constant", 0),
    "y = x; y": ("it is a variable", 0),
    "a = ; a": ("missing expression", 4),
    "x = (y": ("must be the expression", 0),
    "a = (y; a": ("missing ')'", 4),
}


@pytest.mark.parametrize("text", sorted(REFUSED))
def test_refused_with_problem_and_column(text):
    fragment, position = REFUSED[text]
    with pytest.raises(ExpressionError) as err:
        parse(text)
    assert fragment in str(err.value)
    assert err.value.position == position
    assert str(err.value).endswith(f"at column {position + 1}")
    assert isinstance(err.value, ValueError)


def test_message_example_from_the_issue():
    with pytest.raises(ExpressionError, match=r"^unknown name 'z' at column 5$"):
        parse("x + z")


def test_user_names_never_reach_the_generated_code():
    """Code is generated from the validated graph, with inputs named by position: a name a user picks (even one
    that means something to Python) never appears in the source that is compiled."""
    fn = parse("__import__ = 2 in [0, 5]; f(exec_, system) = exec_*__import__ + exec_*system")
    fn.prepare(everything=True)
    d = fn.derived
    sources = [d.grid_all.code.source, d.grid_f.code.source, d.point.source]
    for name in ("__import__", "exec_", "system"):
        assert not any(name in src for src in sources), name
    assert fn(2.0, 3.0) == pytest.approx(2.0 * 2 + 2.0 * 3.0)


def test_too_many_symbols_is_refused_with_the_limit_named():
    """44,000 symbols, past MAX_TOKENS: refused, saying the limit, at the symbol where it was crossed."""
    from gradviz.expr.lexer import MAX_TOKENS

    text = "+".join(["sin(x)*y"] * 11_111)
    with pytest.raises(ExpressionError, match=f"more than {MAX_TOKENS} symbols") as err:
        parse(text)
    assert 0 < err.value.position < len(text)
    shorter = "+".join(["sin(x)*y"] * 2_000)  # 16,000 symbols: accepted, and right
    assert float(parse(shorter)(0.3, 0.4)) == pytest.approx(2000 * math.sin(0.3) * 0.4)


@pytest.mark.parametrize("text", ["(" * 5000 + "x" + ")" * 5000, "(" * 5000,
                                  "sin(" * 20000 + "x" + ")" * 20000, "-" * 50000 + "x",
                                  "x" + "^x" * 10000])
def test_deep_nesting_is_an_expression_error_not_a_crash(text):
    with pytest.raises(ExpressionError, match="nested too deeply|too long"):
        parse(text)


def test_huge_power_returns_at_once():
    start = time.perf_counter()
    fn = parse("10^10^10")
    assert fn(0, 0) == math.inf
    assert time.perf_counter() - start < 0.5


def test_str_and_text():
    fn = parse("x^2  +   y")
    assert fn.text == "x^2  +   y"
    assert str(fn) == "f(x, y) = x^2 + y"
    assert gradviz.parse is parse


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("xy+-*/^().,;= 0123456789e\n\t'[]_abcsinolgqrtp")), max_size=40))
def test_random_strings_parse_or_raise_expression_error(text):
    try:
        fn = parse(text)
    except ExpressionError as err:
        assert 0 <= err.position <= len(text)
        return
    with np.errstate(all="raise"):
        fn(0.5, -0.25)  # evaluation never raises either


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_random_unicode_parses_or_raises_expression_error(text):
    try:
        parse(text)
    except ExpressionError:
        pass
