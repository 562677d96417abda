"""`claimlab results export|import`: finished runs of a profile as a JSON bundle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from claimlab.cli.common import DbOption, ProfileOption, app, console, fail, settings_for
from claimlab.services import bundle

results_app = typer.Typer(help="Bundles of finished runs (e.g. the shipped mini results).")
app.add_typer(results_app, name="results")


@results_app.command("export")
def results_export(
    profile: ProfileOption = "mini",
    out: Annotated[Path | None, typer.Option("--out", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Write every succeeded run at a profile, with metrics and provenance, as a bundle."""
    try:
        data = bundle.export_bundle(settings_for(db), profile)
    except bundle.BundleError as exc:
        raise fail(str(exc)) from None
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if out is None:
        print(text, end="")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    console.print(f"{len(data['runs'])} run(s) at {profile} written to {out}", highlight=False)


@results_app.command("import")
def results_import(
    file: Annotated[Path, typer.Argument(help="A bundle written by `results export`.")],
    db: DbOption = None,
) -> None:
    """Record a bundle's runs as finished without running them (known runs are kept)."""
    try:
        profile, counts = bundle.import_bundle(settings_for(db), file)
    except bundle.BundleError as exc:
        raise fail(str(exc)) from None
    done = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no runs"
    console.print(
        f"{done} run(s) at {profile}; judge them with `claimlab verdicts compute --profile "
        f"{profile}`",
        highlight=False,
    )
