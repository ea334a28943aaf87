"""Preset functions: the seed chapter's examples and the classic optimisation test functions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    text: str
    domain: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    note: str
    group: str = "Classics"
    probe: tuple[float, float] = (0.0, 0.0)
    spacing: str = "auto"  # the colour and contour scale that shows this function best ("auto": chosen from f)
    starts: tuple[tuple[float, float], ...] = ()  # descent start points (default: two, see default_starts)
    lr_scale: float = 1.0  # multiplies every optimizer's default learning rate (steep functions need less)

    def default_starts(self) -> tuple[tuple[float, float], ...]:
        if self.starts:
            return self.starts
        xmin, xmax, ymin, ymax = self.domain
        w, h = xmax - xmin, ymax - ymin
        return ((round(xmin + 0.2 * w, 2), round(ymax - 0.25 * h, 2)),
                (round(xmax - 0.25 * w, 2), round(ymin + 0.2 * h, 2)))


PRESETS: list[Preset] = [
    Preset("Log-sum-exp", "log(exp(x) + exp(y))", (-2, 2, -2, 2),
           "The chapter's first example: at (0, log 2) the gradient is (1/3, 2/3), and the "
           "tangent plane predicts f nearby.", "Seed chapter", (0.0, 0.6931471805599453)),
    Preset("x·exp(−x²−y²)", "x*exp(-x^2 - y^2)", (-2, 2, -2, 2),
           "The chapter's quadratic-approximation example: at (−1, 0) the model is "
           "e⁻¹(−1 − (x+1) + (x+1)² + y²).", "Seed chapter", (-1.0, 0.0)),
    Preset("x²y + xy²", "x^2*y + x*y^2", (-1.5, 1.5, -1.5, 1.5),
           "Exercise: the only critical point (0, 0) has a zero Hessian; the second-derivative "
           "test says nothing, and it is neither a minimum nor a maximum.", "Seed chapter", (0.5, 0.5)),
    Preset("3x⁴ − 4x³ − 12x²", "3*x^4 - 4*x^3 - 12*x^2", (-2, 3, -2, 2),
           "A function of x alone: minima at −1 and 2, and x = 0 is a maximum (f″(0) = −24), "
           "not a 'possible minimum'.", "Seed chapter", (0.5, 0.0)),
    Preset("Chain rule (backprop)", "a = (x + y)^2; b = (x - y)^2; u = (a + b)^2; v = (a - b)^2; (u + v)^2",
           (-1, 1, -1, 1), "The chapter's backpropagation example in two variables: open the Backprop graph "
           "tab and hover a, b, u or v to see ∂f/∂node as a sum over paths.", "Seed chapter", (0.5, -0.25),
           spacing="log", lr_scale=0.001),
    Preset("Ill-conditioned bowl (slide k)", "k = 10 in [1, 150]; x^2 + k*y^2", (-2, 2, -2, 2),
           "The Hessian is diag(2, 2k): its condition number is k. Slide k and watch gradient descent "
           "zig-zag across the valley as 2/λmax = 1/k shrinks towards η; past k = 1/η it diverges. "
           "Adam's per-coordinate scaling barely notices k.", probe=(1.5, 1.0), spacing="log",
           starts=((-1.8, 1.2), (1.6, -1.5)), lr_scale=0.9),
    Preset("General quadratic (slide c12)",
           "a = 0 in [-2, 2]; b1 = 0 in [-2, 2]; b2 = 0 in [-2, 2]; c11 = 1 in [-2, 2]; c12 = 0 in [-3, 3]; "
           "c22 = 1 in [-2, 2]; f(x1, x2) = a + b1*x1 + b2*x2 + c11*x1^2 + c12*x1*x2 + c22*x2^2", (-2, 2, -2, 2),
           "The chapter's quadratic in two variables: its gradient at 0 is (b1, b2) and its Hessian is "
           "[[2c11, c12], [c12, 2c22]] everywhere. Slide c12 past 2 and the bowl becomes a saddle "
           "(det H = 4c11c22 − c12² < 0).", "Seed chapter", (0.8, 0.6)),
    Preset("Rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", (-2, 2, -1, 3),
           "A long curved valley with its minimum at (1, 1): gradient descent zig-zags and crawls.",
           probe=(-1.2, 1.0), spacing="log", starts=((-1.5, 2.5), (-1.2, 1.0)), lr_scale=0.05),
    Preset("Himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (-5, 5, -5, 5),
           "Four minima of equal height, a maximum and four saddles: where you start decides where "
           "you end.", probe=(-0.5, 0.5), spacing="log", starts=((-0.3, -0.2), (0.5, 4.0)), lr_scale=0.5),
    Preset("Beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", (-4.5, 4.5, -4.5, 4.5),
           "Minimum at (3, 0.5) in a flat basin walled by steep sides: values span many orders of "
           "magnitude (log-spaced contours show the basin).", probe=(1.0, 1.0), spacing="log",
           starts=((1.0, 1.5), (-1.0, -1.0)), lr_scale=0.01),
    Preset("Booth", "(x + 2*y - 7)^2 + (2*x + y - 5)^2", (-10, 10, -10, 10),
           "A convex quadratic bowl with its minimum at (1, 3): the Hessian is the same everywhere.",
           probe=(-5.0, 5.0)),
    Preset("Matyas", "0.26*(x^2 + y^2) - 0.48*x*y", (-10, 10, -10, 10),
           "A nearly flat, tilted bowl: eigenvalues 0.04 and 1.0 make it badly conditioned.",
           probe=(6.0, -4.0), lr_scale=10.0),
    Preset("Three-hump camel", "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2", (-2, 2, -2, 2),
           "Three minima (the global one at the origin) separated by saddles.", probe=(1.5, -0.5)),
    Preset("Rastrigin", "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", (-5.12, 5.12, -5.12, 5.12),
           "A bowl covered in ripples: a local minimum near every integer point.", probe=(1.2, -2.3),
           lr_scale=0.2),
    Preset("Saddle x² − y²", "x^2 - y^2", (-2, 2, -2, 2),
           "The simplest saddle: curving up along x and down along y; ∇f = 0 at the origin.",
           probe=(0.8, 0.5)),
    Preset("Monkey saddle", "x^3 - 3*x*y^2", (-1.5, 1.5, -1.5, 1.5),
           "Three valleys meet at the origin, where the Hessian vanishes: a degenerate critical point.",
           probe=(0.6, 0.3)),
    Preset("sin x · cos y", "sin(x)*cos(y)", (-3.2, 3.2, -3.2, 3.2),
           "An egg-crate of alternating minima, maxima and saddles.", probe=(0.7, 0.4)),
]

DEFAULT_PRESET = "Himmelblau"


def preset_named(name: str) -> Preset:
    for p in PRESETS:
        if p.name == name:
            return p
    raise KeyError(f"no preset named {name!r}")

DEFAULT_DOMAIN = preset_named(DEFAULT_PRESET).domain  # the window's first domain; the CLI's and figures' default
