"""The derivative rules, as before the registry: `VJP[op]` is the tuple of vector-Jacobian
products of primitive `op`. Kept for code that imported it; the rules themselves live on the
primitives' entries in `table.py`."""

from __future__ import annotations

from gradviz.autodiff.primitives import PRIMITIVES
from gradviz.autodiff.table import unbroadcast

VJP = {name: prim.vjp for name, prim in PRIMITIVES.items()}

__all__ = ["VJP", "unbroadcast"]
