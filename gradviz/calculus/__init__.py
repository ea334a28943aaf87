"""Calculus on a parsed f(x, y): Taylor models and critical points."""
