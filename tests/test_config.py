import pytest

from synopsis.config import Settings
from synopsis.errors import ConfigError


def test_defaults_are_valid_and_overridable() -> None:
    settings = Settings.from_mapping({"digest.summary_words": "80", "stories": {"window_days": 3}})
    assert settings.digest.summary_words == 80
    assert settings.stories.window_days == 3.0
    assert settings.copies == Settings().copies


@pytest.mark.parametrize(
    ("values", "setting"),
    [
        ({"digest.summary_words": 0}, "digest.summary_words"),
        ({"align.claim_threshold": 2}, "align.claim_threshold"),
        ({"digest.nope": 1}, "digest.nope"),
        ({"nowhere.x": 1}, "nowhere"),
        ({"stories.window_days": "soon"}, "stories.window_days"),
        ({"plain": 1}, "plain"),
    ],
)
def test_bad_values_name_the_setting(values: dict[str, object], setting: str) -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_mapping(values)
    assert error.value.setting == setting


def test_from_env_reads_prefixed_variables() -> None:
    env = {"SYNOPSIS_DIGEST__SUMMARY_WORDS": "42", "SYNOPSIS_TOKEN": "ignored", "HOME": "/x"}
    assert Settings.from_env(env).digest.summary_words == 42


def test_with_summary_words() -> None:
    assert Settings().with_summary_words(None) == Settings()
    assert Settings().with_summary_words(30).digest.summary_words == 30
