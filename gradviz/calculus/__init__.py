"""Calculus on a parsed f(x, y): local Taylor models and critical points (NumPy only)."""

from gradviz.calculus.critical import CriticalPoint, find_critical_points
from gradviz.calculus.local import LocalModel, classify, local_model

__all__ = ["CriticalPoint", "LocalModel", "classify", "find_critical_points", "local_model"]
