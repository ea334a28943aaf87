"""The ranges every value of a scene must lie in: the GUI's spin boxes and a session file share them."""

from __future__ import annotations

from gradviz.descent.optimizers import HYPER_SPECS

COORDINATE = 1e6  # |x|, |y| of the domain, the probe and start points
MIN_SPAN = 1e-6  # the smallest width or height of the domain
PARAMETER = 1e9  # |value| and |range ends| of a parameter
LR = (1e-6, 10.0)  # learning rates
TOL = (0.0, 1e6)  # stopping tolerance on |∇f|
RADIUS = (1e-4, 1e5)  # Taylor-model radius
DIRECTION = (-360.0, 360.0)  # degrees
CAMERA = 1e9  # |any camera number|
HEIGHT = 1e300  # |the ends of a manual height range|
MAX_STARTS = 256
HYPER = {name: (spec.lo, spec.hi) for name, spec in HYPER_SPECS.items()}  # from the optimizer registry
