"""The example service runs end to end."""

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python_service.py"


# R: G1, W2
def test_python_service_example_runs_the_whole_flow(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr("sys.argv", [str(EXAMPLE), str(tmp_path / "fivergo.db")])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert "training: succeeded" in out
    assert "leaked draft traced to: ('ana/order-1'," in out
    assert "download refused: not_approved_and_paid G1" in out
    assert "tick: ['subscription_charged', 'quota_renewed']" in out
    assert "reopened: published | bob's orders: ['ana/order-1']" in out
