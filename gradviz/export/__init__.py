"""Export without Qt: trajectories and critical points as CSV and JSON, dispatched by suffix."""

from gradviz.export.dispatch import export_critical_points, export_trajectories, suffix_of
from gradviz.export.tables import critical_points_csv, trajectories_csv, trajectories_json

__all__ = ["critical_points_csv", "export_critical_points", "export_trajectories", "suffix_of", "trajectories_csv",
           "trajectories_json"]
