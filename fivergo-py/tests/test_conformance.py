"""Runs every shared conformance scenario through the typed Python API."""

# R: E1, E2, C1, C2, C3, C4, A1, A2, A3, A4, A5, A6, A7, A8, A9, T1, T2, T3, T4, T5, S1, S2, S3, S4, S5, M1, M2, M3, M4, M5, M6, M7, G1, G2, G3, G4, G5, P1, P2, P3, P4, P5, V1, V2, F1, F2, R1, R2, R3, D1, D2, D3, D4, D5

import pytest

from conformance import Runner, load_scenarios, required_rules
from conftest import pg_url

SCENARIOS = load_scenarios()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.file for s in SCENARIOS])
def test_scenario_on_memory(scenario):
    failures = Runner(scenario).run()
    assert not failures, f"{scenario.name}:\n" + "\n".join(failures)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.file for s in SCENARIOS])
def test_scenario_on_sqlite(scenario, tmp_path):
    failures = Runner(scenario, store=f"sqlite:{tmp_path / 'fivergo.db'}").run()
    assert not failures, f"{scenario.name}:\n" + "\n".join(failures)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.file for s in SCENARIOS])
def test_scenario_on_postgres(scenario):
    failures = Runner(scenario, store=pg_url(scenario.file.removesuffix(".json"))).run()
    assert not failures, f"{scenario.name}:\n" + "\n".join(failures)


def test_scenarios_cover_every_required_rule():
    covered = {rule for s in SCENARIOS for rule in s.rules}
    missing = sorted(required_rules() - covered)
    assert not missing, f"no scenario covers {missing}"


def test_this_file_lists_exactly_the_covered_rules():
    # The `# R:` line above must list the union of the scenarios' rules.
    with open(__file__) as f:
        line = next(line for line in f if line.startswith("# R: "))
    listed = {r.strip() for r in line[len("# R: "):].split(",")}
    assert listed == {rule for s in SCENARIOS for rule in s.rules if rule in required_rules()}
