"""Descent: eight optimizers (torch's formulas) run as fused generated loops, schedules, and why a step size
converges (`insight`)."""

from gradviz.descent.optimizers import OPTIMIZERS, Optimizer
from gradviz.descent.paths import descend_paths
from gradviz.descent.trajectory import Trajectory, descend, descend_many

__all__ = ["OPTIMIZERS", "Optimizer", "Trajectory", "descend", "descend_many", "descend_paths"]
