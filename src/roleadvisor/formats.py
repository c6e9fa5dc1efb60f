"""Output formats, as the commands name them (`--format`): one enum per kind of output."""

from enum import Enum


class Format(str, Enum):
    """Reports and lists: text for people (rich), markdown for pages, JSON for scripts."""

    text = "text"
    json = "json"
    markdown = "markdown"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


class BatchFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
