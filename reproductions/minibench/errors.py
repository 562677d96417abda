"""Errors the builder raises, with messages that say what to do next."""

from __future__ import annotations


class MinibenchError(RuntimeError):
    """Base class for build failures."""


class MissingPackagesError(MinibenchError):
    """Some source packages could not be found or downloaded."""

    def __init__(self, missing: dict[str, str], cache: str, built: list[str], skipped: list[str]):
        self.missing = dict(missing)
        """Package name -> why it is missing."""
        self.built = list(built)
        """Parts that were built (or already up to date) and are kept."""
        self.skipped = list(skipped)
        """Parts that could not be built."""
        lines = [f"Cannot get {len(missing)} Debian package(s):"]
        lines += [f"  - {name}: {why}" for name, why in sorted(missing.items())]
        lines.append("How to proceed:")
        lines.append(
            "  * on Debian/Ubuntu: check that bookworm (or a release that has these packages) "
            "is in the apt sources, run `apt-get update`, and build again;"
        )
        lines.append(
            "  * anywhere else: download each .deb by hand (https://packages.debian.org/bookworm/"
            f"<name>, 'all' or your architecture) into {cache}/debs/ and build again "
            "(apt is then not needed)."
        )
        if built:
            lines.append(f"Parts built and kept: {', '.join(built)}.")
        if skipped:
            lines.append(f"Parts not built: {', '.join(skipped)}.")
        super().__init__("\n".join(lines))
