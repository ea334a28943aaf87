"""The scene's work off the GUI thread (critical points so far), without Qt: jobs are handed out, stale ones are
dropped, results always belong to the f on screen, and cancelling stops the work at its next report."""

import pytest

from gradviz.model.jobs import CancelledError
from gradviz.model.scene import Scene


def test_a_search_is_handed_out_and_its_result_shown(queued):
    scene, jobs = queued
    seen = []
    scene.critical_changed.connect(seen.append)
    scene.request_critical_points()
    (job,) = jobs
    assert scene.found_critical_points is None and scene.busy == [job]
    result = job.compute()
    assert job.progress.fraction == 1.0
    scene.accept(job, result)
    assert len(scene.found_critical_points) == 9 and seen[-1] == scene.found_critical_points  # Himmelblau's nine
    assert scene.busy == []


def test_a_result_for_an_old_f_is_dropped(queued):
    """Edits faster than the job: the search of Himmelblau's f finishes, but f became x² + y² before its result
    was delivered; it is not shown (the view never mixes the points of one f with the surface of another)."""
    scene, jobs = queued
    scene.request_critical_points()
    old = jobs[-1]
    result = old.compute()
    scene.set_expression("x^2 + y^2")
    assert scene.is_stale(old) and scene.busy == []
    scene.accept(old, result)
    assert scene.found_critical_points is None
    scene.request_critical_points()
    pending = jobs[-1]
    scene.set_domain((-1.0, 1.0, -1.0, 1.0))  # a new domain: stale, and its work stops at its next report
    with pytest.raises(CancelledError):
        pending.compute()
    scene.accept(pending, CancelledError("cancelled"))
    assert scene.found_critical_points is None
    scene.request_critical_points()
    new = jobs[-1]
    scene.accept(new, new.compute())
    assert [(p.kind, round(p.x, 9), round(p.y, 9)) for p in scene.found_critical_points] == [("minimum", 0.0, 0.0)]


def test_a_newer_request_makes_the_older_stale(queued):
    scene, jobs = queued
    scene.request_critical_points()
    scene.request_critical_points()
    first, second = jobs
    assert scene.is_stale(first) and not scene.is_stale(second)


def test_cancel_stops_the_work_at_its_next_report(queued):
    scene, jobs = queued
    scene.request_critical_points()
    (job,) = jobs
    scene.cancel_work()
    with pytest.raises(CancelledError):
        job.compute()
    assert scene.busy == [] and scene.is_stale(job)
    scene.accept(job, CancelledError("cancelled"))
    assert scene.found_critical_points is None


def test_without_an_executor_the_search_is_done_at_once():
    scene = Scene()
    scene.request_critical_points()
    assert len(scene.found_critical_points) == 9
