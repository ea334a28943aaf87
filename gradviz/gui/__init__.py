"""The desktop app: PySide6 views and panels that observe the scene model (the only package importing Qt)."""
