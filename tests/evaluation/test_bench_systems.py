"""The benchmark's stock projects: written once per content, never replaced under a running training."""

from __future__ import annotations

from evaluation import bench_systems


def test_a_stock_project_is_kept_and_its_fingerprint_survives_rasa_editing_its_config(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bench_systems, "BENCH_DIR", tmp_path)
    first = bench_systems.rasa_init()
    marker = first.project / "config.yml"
    # `rasa train` appends the default pipeline it used to a stock config.yml.
    marker.write_text(marker.read_text() + "\n# pipeline written by rasa train\n")
    second = bench_systems.rasa_init()
    assert second.project == first.project
    assert second.fingerprint == first.fingerprint
    assert "written by rasa train" in marker.read_text()  # the project in use was not replaced
    assert [p.name for p in tmp_path.iterdir()] == [first.project.name]  # no stray copies left
