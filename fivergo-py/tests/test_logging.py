"""The core's command records reach Python's ``logging`` (logger ``fivergo.command``)."""

import logging

import pytest

import fivergo


def command_records(caplog, command):
    return [r for r in caplog.records if r.name == "fivergo.command" and f'command="{command}"' in r.getMessage()
            and "outcome=" in r.getMessage()]


# R: E1
def test_every_command_logs_its_outcome_to_fivergo_command(caplog, clock):
    hub = fivergo.Hub(clock=clock)
    with caplog.at_level(logging.DEBUG, logger="fivergo"):
        fivergo.refresh_logging()  # levels are cached per logger: re-read them
        hub.register_seller("ana", "level_2")
        with pytest.raises(fivergo.AlreadyExistsError):
            hub.register_seller("ana", "level_2")
    fivergo.refresh_logging()
    ok, refused = command_records(caplog, "register_seller")
    assert ok.levelno == logging.DEBUG and 'outcome="ok"' in ok.getMessage()
    assert 'partition="ana"' in ok.getMessage() and "duration_us=" in ok.getMessage()
    assert refused.levelno == logging.INFO and 'outcome="already_exists"' in refused.getMessage()


# R: E1
def test_nothing_is_logged_below_the_configured_level(caplog, clock):
    hub = fivergo.Hub(clock=clock)
    with caplog.at_level(logging.INFO, logger="fivergo"):
        fivergo.refresh_logging()
        hub.register_seller("ana", "new")
        hub.add_gig("ana", "tattoo")
        with pytest.raises(fivergo.EligibilityError):
            hub.create_model("ana", "tattoo")
    fivergo.refresh_logging()
    assert command_records(caplog, "register_seller") == []  # success is DEBUG
    (refused,) = command_records(caplog, "create_model")
    assert 'outcome="not_eligible"' in refused.getMessage()
