"""The benchmark functions F1–F6 (the figures to beat were measured on them), as gradviz text and as plain
NumPy (the floor)."""

import numpy as np

F6 = ("sin(x)*cos(y) + exp(-(x^2 + y^2)/4) + tanh(x*y) + sqrt(x^2 + y^2 + 1)"
      " + log(1 + x^2)*cos(x - y) + (x - y)^3/10 + sin(x*y + 1)*exp(-y^2) + tanh(y)*sqrt(1 + (x + y)^2)")

FUNCTIONS = {
    "F1 log-sum-exp": ("log(exp(x) + exp(y))", lambda x, y: np.log(np.exp(x) + np.exp(y))),
    "F2 x·exp(−r²)": ("x*exp(-x^2 - y^2)", lambda x, y: x * np.exp(-x**2 - y**2)),
    "F3 Rosenbrock": ("(1 - x)^2 + 100*(y - x^2)^2", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    "F4 Himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
                      lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2),
    "F5 sin·cos + bowl": ("sin(x)*cos(y) + 0.1*(x^2 + y^2)",
                          lambda x, y: np.sin(x) * np.cos(y) + 0.1 * (x**2 + y**2)),
    "F6 44-op mix": (F6, lambda x, y: (
        np.sin(x) * np.cos(y) + np.exp(-(x**2 + y**2) / 4) + np.tanh(x * y) + np.sqrt(x**2 + y**2 + 1)
        + np.log(1 + x**2) * np.cos(x - y) + (x - y) ** 3 / 10 + np.sin(x * y + 1) * np.exp(-y**2)
        + np.tanh(y) * np.sqrt(1 + (x + y) ** 2))),
}
