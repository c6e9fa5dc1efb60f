"""roleadvisor: a terminal career advisor for choosing between AI roles, and its Python API.

    import roleadvisor
    pack = roleadvisor.load_pack()
    result = roleadvisor.score(pack, pack.answers({...}))

The API's names are imported on first use, so `import roleadvisor` stays cheap (the CLI's start-up depends on it).
"""

TYPE_CHECKING = False  # not typing's: importing typing would cost `import roleadvisor` more than all the rest

__version__ = "0.1.0"

__all__ = [
    "AnswerError",
    "Answers",
    "InputFileError",
    "Pack",
    "PackError",
    "Result",
    "RoleAdvisorError",
    "RowResult",
    "check_pack",
    "load_pack",
    "score",
    "score_rows",
]

_HOMES = {
    "load_pack": "roleadvisor.api",
    "score": "roleadvisor.api",
    "score_rows": "roleadvisor.api",
    "check_pack": "roleadvisor.api",
    "RowResult": "roleadvisor.api",
    "Answers": "roleadvisor.pack",
    "Pack": "roleadvisor.pack",
    "Result": "roleadvisor.engine",
    "RoleAdvisorError": "roleadvisor.errors",
    "PackError": "roleadvisor.errors",
    "AnswerError": "roleadvisor.errors",
    "InputFileError": "roleadvisor.errors",
}

if TYPE_CHECKING:
    from typing import Any

    from roleadvisor.api import RowResult, check_pack, load_pack, score, score_rows
    from roleadvisor.engine import Result
    from roleadvisor.errors import AnswerError, InputFileError, PackError, RoleAdvisorError
    from roleadvisor.pack import Answers, Pack


def __getattr__(name: str) -> "Any":
    """The API's names, imported when first used."""
    if name not in _HOMES:
        raise AttributeError(f"module 'roleadvisor' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
