"""Sessions: the whole scene as a versioned `.gradviz.json` file, saved atomically, checked on load."""

from gradviz.session.schema import SCHEMA_VERSION, SessionError, scene_from_dict, scene_to_dict
from gradviz.session.store import load_session, save_session

__all__ = ["SCHEMA_VERSION", "SessionError", "load_session", "save_session", "scene_from_dict", "scene_to_dict"]
