"""`gradviz lesson check FILE` validates a lesson (exit 0, or 2 with the line), and `gradviz lesson NAME` refuses an
unknown lesson before any window."""

from pathlib import Path

import gradviz
from gradviz.cli import main

SHIPPED = Path(gradviz.__file__).parent / "lessons" / "shipped"


def test_every_shipped_lesson_file_checks(capsys):
    for path in sorted(SHIPPED.glob("*.md")):
        assert main(["lesson", "check", str(path)]) == 0, path
    assert "every answer computed" in capsys.readouterr().out


def test_a_bad_file_exits_2_with_its_line(tmp_path, capsys):
    path = tmp_path / "bad.md"
    path.write_text("# T\n\n## S\nf: x^2 + y^2\n\nText.\n\n? point: saddle\nprompt: p\ntolerance: 0.1\n")
    assert main(["lesson", "check", str(path)]) == 2
    assert f"{path}:8:" in capsys.readouterr().err


def test_an_unknown_lesson_is_refused(capsys):
    assert main(["lesson", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no lesson 'nope'" in err and "gradient" in err
