"""YAML in and out, with safe semantics only: plain data, never Python objects.

The only module that imports PyYAML; others import it when they meet a YAML file. Values Python will not
build (ValueError) and nesting too deep for it (RecursionError) are left to the caller, datafile.parse_data,
which words them the same way for JSON and YAML.
"""

from __future__ import annotations

import yaml

from roleadvisor.errors import RoleAdvisorError
from roleadvisor.safe_text import printable

# The C loader parses several times faster; both build only plain data (no Python objects).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses a key written twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {printable(key_node.value, quote=True)}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, name: str, error: type[RoleAdvisorError]) -> object:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise error(f"{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{name}: invalid YAML ({exc})") from None


def dump_yaml(data: object) -> str:
    """Block-style YAML that parse_yaml reads back to the same data, keys in the order given."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
