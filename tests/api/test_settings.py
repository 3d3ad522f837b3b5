"""API settings from the environment: a bad rate limit stops start-up with one clear line."""

from __future__ import annotations

import pytest

from tests.site.test_configuration import _manage


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"API_THROTTLE_ANON": "lots"}, "API_THROTTLE_ANON"),
        ({"API_THROTTLE_USER": "100/fortnight"}, "API_THROTTLE_USER"),
        ({"NUM_PROXIES": "one"}, "NUM_PROXIES"),
    ],
)
def test_bad_api_settings_stop_start_up_with_one_line(env, named):
    """The variable is named; no traceback."""
    result = _manage("check", **env)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert named in lines[0]
