"""The version workflow, declared once as data: states × actions × roles → the next state.

Every web page, API call and command that changes a version's state asks this table (through
``storage.transitions``); the tests hold it against a hand-written table of their own. No
SQLAlchemy here: the declaration is plain data, readable by the core and the web alike.

Roles are what a person does in a round, not what the account is: 报送单位 (the unit that files the
tables), 审核 (the collecting office's reviewer and round admin), 财务 (its finance). Which roles an
account has in a given round comes from the unit tree, through one function
(``storage.roles.round_roles``): the same account may be 报送单位 in one round and 审核 in another.

    next_state(state, action, role) -> VersionState | None   # None: not allowed
    may_ever(role, action) -> bool     # False: 403 whatever the state; True but no next state: 409
    machine_states(versions) -> {version id: VersionState}   # the state each version is in
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol


class VersionState(StrEnum):
    """Where one version stands. Stored in ``versions.state``; ``SUPERSEDED`` is also derived
    for a draft once a newer version without errors exists (``machine_states``)."""

    ERRORS = "errors"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    SUPERSEDED = "superseded"
    DELETED = "deleted"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    VersionState.ERRORS: "有错误",
    VersionState.DRAFT: "已上传未提交",
    VersionState.SUBMITTED: "已提交",
    VersionState.APPROVED: "已通过",
    VersionState.RETURNED: "已退回",
    VersionState.SUPERSEDED: "已被取代",
    VersionState.DELETED: "已撤销",
}


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    DELETE = "delete"
    APPROVE = "approve"
    RETURN = "return"
    REVOKE = "revoke"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: "提交",
    Action.WITHDRAW: "撤回提交",
    Action.DELETE: "撤销",
    Action.APPROVE: "审核通过",
    Action.RETURN: "退回修改",
    Action.REVOKE: "撤销通过",
}


class WorkflowRole(StrEnum):
    SUBMITTER = "submitter"
    REVIEWER = "reviewer"
    FINANCE = "finance"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    WorkflowRole.SUBMITTER: "报送单位",
    WorkflowRole.REVIEWER: "审核",
    WorkflowRole.FINANCE: "财务",
}

S, A, R = VersionState, Action, WorkflowRole

# (state, action, role) → next state: everything not listed is refused
TRANSITIONS: dict[tuple[VersionState, Action, WorkflowRole], VersionState] = {
    (S.DRAFT, A.SUBMIT, R.SUBMITTER): S.SUBMITTED,
    (S.DRAFT, A.SUBMIT, R.REVIEWER): S.SUBMITTED,  # 代为提交: what arrived by e-mail
    (S.DRAFT, A.DELETE, R.SUBMITTER): S.DELETED,
    (S.ERRORS, A.DELETE, R.SUBMITTER): S.DELETED,
    (S.SUBMITTED, A.WITHDRAW, R.SUBMITTER): S.DRAFT,
    (S.SUBMITTED, A.APPROVE, R.REVIEWER): S.APPROVED,
    (S.SUBMITTED, A.RETURN, R.REVIEWER): S.RETURNED,
    (S.APPROVED, A.REVOKE, R.REVIEWER): S.RETURNED,
}

# what an action does to the other versions of the same unit × table: only one submission waits,
# only one approval counts
SUPERSEDES: dict[Action, tuple[VersionState, ...]] = {
    A.SUBMIT: (S.SUBMITTED,),
    A.APPROVE: (S.APPROVED,),
}

# the states in which a version may still take a stamped scan (the same file sent again with it):
# once submitted, what the reviewer reads does not change under them
TAKES_SCAN: frozenset[VersionState] = frozenset({S.DRAFT, S.ERRORS})

# a comment the action cannot go without (the unit reads it), and the refusal when it is missing
NEEDS_COMMENT: dict[Action, str] = {
    A.RETURN: "退回修改须填写退回意见",
    A.REVOKE: "撤销通过须填写理由（单位将看到此理由）",
}

# what a submitter may do only while the round takes submissions (open, or a 补报 grant)
WHILE_OPEN: frozenset[Action] = frozenset({A.SUBMIT, A.WITHDRAW})

# why a state forbids an action, when there is more to say than the state's name
HINTS: dict[tuple[VersionState, Action], str] = {
    (S.ERRORS, A.SUBMIT): "请按问题清单修改后重新上传",
    (S.RETURNED, A.SUBMIT): "退回的版本不能原样再次提交，请修改后重新上传",
    (S.SUPERSEDED, A.SUBMIT): "已有更新的版本，请提交最新版本",
    (S.SUBMITTED, A.SUBMIT): "已在等待审核，无须再次提交",
    (S.APPROVED, A.APPROVE): "已审核通过，无须再次审核",
    (S.APPROVED, A.RETURN): "如需退回已通过的版本，请使用“撤销通过”并写明理由",
    (S.APPROVED, A.DELETE): "已提交过的版本不能撤销",
    (S.SUBMITTED, A.DELETE): "已提交的版本请先撤回提交",
    (S.DRAFT, A.APPROVE): "尚未提交的版本不能审核",
    (S.DRAFT, A.RETURN): "尚未提交的版本不能审核",
}


def next_state(state: VersionState, action: Action, role: WorkflowRole) -> VersionState | None:
    return TRANSITIONS.get((state, action, role))


def may_ever(role: WorkflowRole, action: Action) -> bool:
    """Whether some state lets this role take this action (if not, the answer is 403)."""
    return any(a == action and r == role for _s, a, r in TRANSITIONS)


def refusal(state: VersionState, action: Action, what: str) -> str:
    """The Chinese message for an action the version's state forbids (409)."""
    hint = HINTS.get((state, action))
    text = f"{what}当前为“{state.label}”，不能{action.label}"
    return f"{text}：{hint}" if hint else text


class VersionLike(Protocol):
    id: int
    number: int
    state: str
    has_errors: bool


def machine_states(versions: Iterable[VersionLike]) -> dict[int, VersionState]:
    """The state of every version of one unit × table as the table above reads it.

    The stored state, except that a draft is 已被取代 once a newer version without errors exists
    (not deleted): only the newest clean draft can be submitted, and it is the one that counts.
    """
    ordered = sorted(versions, key=lambda v: v.number)
    found: dict[int, VersionState] = {}
    newer_clean = False
    for version in reversed(ordered):
        state = VersionState(version.state)
        if state is S.DRAFT and newer_clean:
            state = S.SUPERSEDED
        found[version.id] = state
        if state is not S.DELETED and not version.has_errors:
            newer_clean = True
    return found


def allowed_actions(state: VersionState, roles: Iterable[WorkflowRole]) -> list[Action]:
    """The actions these roles may take on a version in this state, in the table's order."""
    mine = set(roles)
    return [a for a in Action if any((state, a, r) in TRANSITIONS for r in mine)]
