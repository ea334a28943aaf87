"""Export without Qt: trajectories and critical points as CSV and JSON."""

from gradviz.export.tables import critical_points_csv, trajectories_csv, trajectories_json

__all__ = ["critical_points_csv", "trajectories_csv", "trajectories_json"]
