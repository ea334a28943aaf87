"""Every range and default a scene's values keep to, in one place: the window's spin boxes and sliders, the
session readers and the CLI all read them here."""

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
STEPS = (1, 100_000)  # updates per run
MAX_STEPS = STEPS[1]
SEED = (0, 1_000_000)  # mini-batch shuffling and random inputs
BATCH = (1, 1_000_000)  # mini-batch size (None: full batch)
FIELD_DENSITY = (3, 80)  # gradient-field arrows per side
CONTOUR_COUNT = (0, 60)  # isolines
RESOLUTION = (8, 600)  # grid samples per side
EXPORT_SIDE = (16, 8000)  # pixels a side of an exported picture or movie (the window's dialogs, gradviz.figure)

DEFAULT_STEPS = 500  # the main window's runs
DEFAULT_TOL = 1e-6
CLI_STEPS = 1000  # `gradviz trace` and `gradviz render`
DEFAULT_LR = 0.01  # `gradviz trace` without --lr
# the Loss on data window's run
DATA_RUN = {"method": "gd", "lr": 0.05, "steps": 200, "batch_size": 16, "seed": 0, "schedule": "constant"}
