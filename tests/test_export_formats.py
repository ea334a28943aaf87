"""The export format table: one entry makes a format known to the writers, the dialogs' filters and the
suffix checks; a name without a suffix takes the chosen filter's."""

import csv

import pytest

import gradviz
from gradviz.export import export_trajectories, formats
from gradviz.export.formats import FORMATS, ExportFormat, dialog_filter, register, resolve, suffixes, with_chosen_suffix


@pytest.fixture
def restore_formats():
    saved = list(FORMATS)
    yield
    FORMATS[:] = saved


def test_a_table_format_is_one_entry(restore_formats, tmp_path):
    """A tab-separated writer registered beside its function is offered and written, with nothing else changed."""

    @formats.writes("trajectories", ".tsv", "Tab-separated table")
    def trajectories_tsv(runs, path):
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t")
            for traj in runs:
                for (x, y), f in zip(traj.points, traj.values, strict=True):
                    writer.writerow([traj.method, x, y, f])

    assert ".tsv" in suffixes("trajectories")
    assert "Tab-separated table (*.tsv)" in dialog_filter("trajectories")
    traj = gradviz.descend(gradviz.parse("x^2 + y^2"), (1, 1), "gd", lr=0.1, steps=3)
    out = tmp_path / "runs.tsv"
    export_trajectories([traj], out)
    rows = list(csv.reader(out.open(), delimiter="\t"))
    assert len(rows) == 4 and float(rows[-1][1]) == pytest.approx(0.8**3)


def test_registering_twice_is_refused(restore_formats):
    with pytest.raises(ValueError, match="registered twice"):
        register(ExportFormat("plot", ".png", "PNG again", "raster"))


def test_suffixes_filters_and_resolve():
    assert suffixes("trajectories") == (".csv", ".json")
    assert dialog_filter("plot") == "PNG image (*.png);;SVG drawing (*.svg)"
    assert resolve("a/fig", "plot", "x", "SVG drawing (*.svg)")[0] == "a/fig.svg"  # the chosen filter's suffix
    assert resolve("a/fig", "plot", "x")[0] == "a/fig.png"  # no filter: the first format
    assert with_chosen_suffix("a/run", "trajectories", "JSON (*.json)") == "a/run.json"
    assert with_chosen_suffix("a/run.xlsx", "trajectories", "JSON (*.json)") == "a/run.xlsx"  # refused later
    with pytest.raises(ValueError, match=r"the plot can be written as \.png or \.svg, not \.bmp"):
        resolve("a.bmp", "plot", "the plot")
    with pytest.raises(KeyError, match="no export format holds"):
        suffixes("hologram")
