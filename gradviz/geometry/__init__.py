"""Drawing geometry computed with NumPy alone: surface meshes, isolines, arrow fields, picking.

The GUI turns these arrays into graphics items; nothing here imports Qt.
"""
