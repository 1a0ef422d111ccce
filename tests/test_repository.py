"""The repository's contract: .ci/run runs exactly the README's test command."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [
        line
        for block in blocks[:2]
        for line in block.splitlines()
        if line and not line.startswith("#")
    ]


def test_readme_opens_with_install_demo_and_install_test_commands() -> None:
    demo, tests = readme_commands()
    assert "pip install -e ." in demo and demo.endswith("synopsis demo")
    assert 'pip install -e ".[dev]"' in tests and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci
