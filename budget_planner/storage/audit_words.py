"""Audit entries as a person reads them: a project key (``广州市|表四|类型|名称``) becomes the
project's table and name, an issue code (``file.empty``) its Chinese title. New entries are
written this way; entries stored before are shown this way (``audit.audit_lines``)."""

from __future__ import annotations

import re

from budget_planner.project_key import ProjectKey
from budget_planner.validators.report.codes import CODES

_TABLE = r"表[一二三四]|预算表"
_KEY = re.compile(
    rf"([^\s|：:，,、；（）()]+)\|({_TABLE})\|([^|：:；]*)\|([^|：:；（）]+)(?:\|([^|：:；（）]+))?"
)
_CODE = re.compile(r"(?<![\w.])([a-z][a-z_]*(?:\.[a-z_]+)+)(?![\w.])")


def project_words(key: ProjectKey | str) -> str:
    """清远市表四“专利导航项目”（知识产权高质量创造）: how a person names the project."""
    parts = key if isinstance(key, ProjectKey) else ProjectKey(*str(key).split("|")[:5])
    words = f"{parts.unit}{parts.table}“{parts.name}”"
    extras = [p for p in (parts.category, parts.extra) if p]
    return words + (f"（{'，'.join(extras)}）" if extras else "")


def _key(match: re.Match[str]) -> str:
    unit, table, category, name, extra = match.groups()
    return project_words(ProjectKey(unit, table, category, name, extra or ""))


def _code(match: re.Match[str]) -> str:
    found = CODES.get(match.group(1))
    return found.title if found is not None else match.group(0)


def readable(detail: str) -> str:
    """The entry's detail with project keys and issue codes put in words."""
    if "|" in detail:
        detail = _KEY.sub(_key, detail)
    if "." in detail:
        detail = _CODE.sub(_code, detail)
    return detail
