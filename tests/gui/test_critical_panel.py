"""The critical points' list: numbers shown whole, with their exponent, in columns wide enough for them."""

from PySide6 import QtCore


def test_numbers_are_whole_with_their_exponent(qtbot, window):
    """A saddle with f = 1.35e−16 read "1.3497…" beside "4.4992…", for a function bounded by ±1."""
    scene = window.scene
    scene.set_expression("sin(2*x)*sin(2*y)")
    scene.set_domain((-2.0, 2.0, -2.0, 2.0))
    window.side_tabs.setCurrentWidget(window.critical)
    points = scene.find_critical_points()
    qtbot.wait(20)
    table = window.critical.table
    assert table.textElideMode() == QtCore.Qt.TextElideMode.ElideNone
    metrics = table.fontMetrics()
    tiny = False
    for r, p in enumerate(points):
        for c in range(1, 4):
            text = table.item(r, c).text()
            assert "…" not in text
            assert metrics.horizontalAdvance(text) < table.columnWidth(c), (text, table.columnWidth(c))
        if abs(p.f) < 1e-10 and p.f != 0.0:
            assert "e−" in table.item(r, 3).text()
            tiny = True
    assert tiny  # the case of the report: saddles at f ≈ 0 whose value rounds to a few 1e−16
