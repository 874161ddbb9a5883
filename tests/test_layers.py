"""The import contract in pyproject.toml holds: layers, no Slack libraries in areas, the stand-in kept out."""

from __future__ import annotations

from pathlib import Path

from importlinter import cli

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_import_contract_is_kept() -> None:
    assert (
        cli.lint_imports(config_filename=str(PYPROJECT), no_cache=True) == cli.EXIT_STATUS_SUCCESS
    )
