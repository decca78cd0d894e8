"""Matching projects across units, tables and rounds (issue 19, docs/matching.md): the one "same
project?" answer for 延续 and 重复申报, the pairs it must not report, and the 政策依据 index. Core code:
no Flask, no click, no SQLAlchemy; the site and the CLI call the same functions."""

from budget_planner.matching.credit_code import credit_code
from budget_planner.matching.exclusions import Presets, excluded, preset_named, round_presets
from budget_planner.matching.findings import (
    Continuation,
    DoubleRequest,
    candidate_pairs,
    continuation,
    double_requests,
)
from budget_planner.matching.names import NormalName, normal_name
from budget_planner.matching.policy import (
    CitedDocument,
    PolicyIndex,
    cited_documents,
    policy_index,
    policy_text,
)
from budget_planner.matching.rows import ProjectRef
from budget_planner.matching.similarity import Match, match_projects

__all__ = [
    "CitedDocument",
    "Continuation",
    "DoubleRequest",
    "Match",
    "NormalName",
    "PolicyIndex",
    "Presets",
    "ProjectRef",
    "candidate_pairs",
    "cited_documents",
    "continuation",
    "credit_code",
    "double_requests",
    "excluded",
    "match_projects",
    "normal_name",
    "policy_index",
    "policy_text",
    "preset_named",
    "round_presets",
]
