"""The Qt-free scene model that the views observe."""
