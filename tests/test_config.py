from pathlib import Path

import pytest

from harness import ConfigError
from harness.config._run_config import coerce, load_run_config, parse_overrides


def test_values_are_typed_by_the_schema():
    config = load_run_config(parse_overrides(["task=t", "limit=3", "temperature=0.5", "fail_on_error=true"]))
    assert config.options == {"limit": 3, "temperature": 0.5, "fail_on_error": True}
    assert config.model == "mockllm/model"


@pytest.mark.parametrize(
    "raw, schema, expected",
    [
        ("3", {"type": "integer"}, 3),
        ("0.25", {"type": "number"}, 0.25),
        ("no", {"type": "boolean"}, False),
        ("a,b", {"type": "array", "items": {"type": "string"}}, ["a", "b"]),
        ("[1, 2]", {"type": "array"}, [1, 2]),
        ("1,2", {"type": "array", "items": {"type": "integer"}}, [1, 2]),
        ("007", {"type": "string"}, "007"),
        ("none", {"anyOf": [{"type": "string"}, {"type": "null"}]}, None),
        ("x", {"enum": ["x", "y"]}, "x"),
        ("4", {}, 4),
        ("abc", {"type": "integer"}, "abc"),  # left as text: validation names the type
    ],
)
def test_coerce(raw, schema, expected):
    assert coerce(raw, schema) == expected


@pytest.mark.parametrize(
    "tokens, message",
    [
        (["task=t", "limt=3"], "unknown key 'limt' (did you mean 'limit'?); valid keys:"),
        (["task=t", "limit=abc"], "'limit' must be an integer, got 'abc'"),
        (["task=t", "limit=0"], "'limit' must be at least 1, got 0"),
        (["limit=3"], "missing required key 'task'"),
        (["task=t", "bogus"], "argument 'bogus' is not key=value"),
        (["task=t", "epoch.x=1"], "unknown key 'epoch' (did you mean 'epochs'?)"),
        (["task=t", "epochs.x=1"], "'epochs' takes no dotted sub-keys"),
        (["task=t", "display=fancy"], "'display' must be one of 'full'"),
    ],
)
def test_bad_overrides_name_the_problem(tokens, message):
    with pytest.raises(ConfigError) as error:
        load_run_config(parse_overrides(tokens))
    assert message in str(error.value)


def test_config_file_with_overrides_winning(tmp_path: Path):
    file = tmp_path / "run.yaml"
    file.write_text("task: arithmetic\nlimit: 4\ntask_args:\n  level: 2\nscorer: match\n")
    config = load_run_config(parse_overrides(["limit=2", "task.level=3"]), file)
    assert config.options["limit"] == 2
    assert config.args["task"] == {"level": 2}
    assert config.raw_args["task"] == {"level": "3"}


def test_config_file_errors_give_file_and_line(tmp_path: Path):
    file = tmp_path / "run.yaml"
    file.write_text("task: arithmetic\nmodel: mockllm/model\nepochs: two\n")
    with pytest.raises(ConfigError, match=r"run\.yaml:3: 'epochs' must be an integer, got 'two'"):
        load_run_config({}, file)
    file.write_text("task: arithmetic\n  limit: [\n")
    with pytest.raises(ConfigError, match=r"run\.yaml:2: invalid YAML"):
        load_run_config({}, file)
    file.write_text("- task\n")
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_run_config({}, file)
