"""The mini benchmark: real English/German/French data built from Debian packages."""

from .builder import build
from .config import FORMAT_VERSION, BuildConfig
from .errors import MinibenchError, MissingPackagesError
from .verify import verify

__all__ = [
    "FORMAT_VERSION",
    "BuildConfig",
    "MinibenchError",
    "MissingPackagesError",
    "build",
    "verify",
]
