import json

import pytest

import fivergo
from fivergo import FivergoError


def test_version_is_a_string():
    assert isinstance(fivergo.__version__, str) and fivergo.__version__


# R: S1
def test_default_policy_monthly_fee_is_25():
    text = fivergo.default_policy_json()
    assert '"25.00"' in text
    policy = json.loads(text)
    assert isinstance(policy, dict)


# R: S1
def test_load_policy_roundtrips_default():
    default = fivergo.default_policy_json()
    assert json.loads(fivergo.load_policy(default)) == json.loads(default)
    # Missing fields keep their defaults.
    assert json.loads(fivergo.load_policy("{}")) == json.loads(default)


# R: M1
def test_zero_active_model_limit_is_refused():
    with pytest.raises(FivergoError) as info:
        fivergo.load_policy('{"models": {"active_model_limit": 0}}')
    err = info.value
    assert isinstance(err, Exception)
    assert err.code == "invalid_policy"
    assert err.rule is None
    assert isinstance(err.details, dict)
    assert err.details["code"] == "invalid_policy"
    assert str(err) == err.details["message"]


def test_malformed_json_is_refused():
    with pytest.raises(FivergoError) as info:
        fivergo.load_policy("{not json")
    assert info.value.code == "invalid_policy"
