"""Screenshots of a lesson, in resources/screenshots/lessons: a question asked (nothing gives the answer away),
a wrong answer with its hint, and the reveal.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots_lessons.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot_app import main_window, scratch_app  # noqa: E402


def main() -> int:
    with scratch_app() as (app, scratch):
        out = ROOT / "resources" / "screenshots" / "lessons"
        out.mkdir(parents=True, exist_ok=True)
        window = main_window(scratch)

        def pump(seconds: float) -> None:
            end = time.time() + seconds
            while time.time() < end or window.scene.busy:
                app.processEvents()

        window.show_lesson("critical_points")
        panel = window.lesson_panel
        pump(2)
        window.grab().save(str(out / "question.png"))
        panel.answer((0.0, 0.0))  # the saddle, taken for a minimum
        pump(1)
        window.grab().save(str(out / "hint.png"))
        panel.answer((2.0, 0.0))
        pump(2)
        window.grab().save(str(out / "reveal.png"))
        for name in ("question", "hint", "reveal"):
            print(f"wrote {out / (name + '.png')}")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
