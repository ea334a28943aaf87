"""Descent: seven optimizers (torch's formulas) run as fused generated loops."""

from gradviz.descent.optimizers import OPTIMIZERS, Optimizer
from gradviz.descent.paths import descend_paths
from gradviz.descent.trajectory import Trajectory, descend, descend_many

__all__ = ["OPTIMIZERS", "Optimizer", "Trajectory", "descend", "descend_many", "descend_paths"]
