"""The storage API in one place: plain functions taking a ``Session`` (see the package docstring).

Each public mutation runs as one transaction and commits or rolls back; each query takes the acting
user's ``scope`` as a required keyword argument.
"""

from __future__ import annotations

from budget_planner.storage.accounts import (
    authenticate,
    change_password,
    check_password,
    get_user,
    one_time_password,
    reset_password,
    set_active,
    sign_in_locks,
    unlock,
)
from budget_planner.storage.allocations import (
    AllocatedRow,
    AllocationRefused,
    allocations,
    rows_with_allocations,
    set_allocation,
    set_allocations,
)
from budget_planner.storage.audit import Action, AuditLine, audit, audit_lines, audit_log
from budget_planner.storage.completeness import Cell, Completeness, UnitRow, completeness
from budget_planner.storage.counted import StoredCounted, stored_counted
from budget_planner.storage.eligibility import (
    AllocationView,
    Held,
    RefusedRow,
    Requested,
    allocation_view,
    requested_projects,
)
from budget_planner.storage.grants import filing_refusal, grant_late, late_grants
from budget_planner.storage.history import (
    Change,
    Thread,
    VersionEntry,
    changes,
    submission_history,
    unit_history,
    unit_of,
    version_changes,
    version_states,
)
from budget_planner.storage.models import Holding
from budget_planner.storage.other_unit import UploadRefused
from budget_planner.storage.publication import latest_publication, publish, published_amounts
from budget_planner.storage.queries import (
    Counted,
    CountReason,
    attachment_file,
    counted_versions,
    get_submission,
    get_version,
    project_rows,
    submissions,
    upload_siblings,
    version_file,
    versions_of,
)
from budget_planner.storage.receipt import Receipt, ReceiptLine, receipt
from budget_planner.storage.reminders import Reminder, reminders
from budget_planner.storage.reviews import review, submit
from budget_planner.storage.roles import (
    RoundRoles,
    account_rounds,
    manages,
    round_roles,
    scope_in,
)
from budget_planner.storage.rounds import (
    close_round,
    config_of,
    control_numbers,
    current_round,
    find_unit,
    get_round,
    list_rounds,
    load_round_into_db,
    open_round,
    set_control_number,
    set_control_numbers,
    units,
)
from budget_planner.storage.scope import (
    NotFound,
    PermissionDenied,
    Scope,
    WorkflowConflict,
)
from budget_planner.storage.tokens import issue_token, revoke_token, user_by_token
from budget_planner.storage.transitions import act, available, check
from budget_planner.storage.tree import find_one, outline, subtree
from budget_planner.storage.tree_edits import add_unit, edit_unit
from budget_planner.storage.unit_accounts import (
    NewAccount,
    create_unit_accounts,
    create_user,
    list_users,
    set_holdings,
)
from budget_planner.storage.uploads import store_upload

__all__ = [
    "Action",
    "AllocatedRow",
    "AllocationRefused",
    "AllocationView",
    "AuditLine",
    "Cell",
    "Change",
    "Completeness",
    "CountReason",
    "Counted",
    "Held",
    "Holding",
    "NewAccount",
    "NotFound",
    "PermissionDenied",
    "Receipt",
    "ReceiptLine",
    "RefusedRow",
    "Reminder",
    "Requested",
    "RoundRoles",
    "Scope",
    "StoredCounted",
    "Thread",
    "UnitRow",
    "UploadRefused",
    "VersionEntry",
    "WorkflowConflict",
    "account_rounds",
    "act",
    "add_unit",
    "allocation_view",
    "allocations",
    "attachment_file",
    "audit",
    "audit_lines",
    "audit_log",
    "authenticate",
    "available",
    "change_password",
    "changes",
    "check",
    "check_password",
    "close_round",
    "completeness",
    "config_of",
    "control_numbers",
    "counted_versions",
    "create_unit_accounts",
    "create_user",
    "current_round",
    "edit_unit",
    "filing_refusal",
    "find_one",
    "find_unit",
    "get_round",
    "get_submission",
    "get_user",
    "get_version",
    "grant_late",
    "issue_token",
    "late_grants",
    "latest_publication",
    "list_rounds",
    "list_users",
    "load_round_into_db",
    "manages",
    "one_time_password",
    "open_round",
    "outline",
    "project_rows",
    "publish",
    "published_amounts",
    "receipt",
    "reminders",
    "requested_projects",
    "reset_password",
    "review",
    "revoke_token",
    "round_roles",
    "rows_with_allocations",
    "scope_in",
    "set_active",
    "set_allocation",
    "set_allocations",
    "set_control_number",
    "set_control_numbers",
    "set_holdings",
    "sign_in_locks",
    "store_upload",
    "stored_counted",
    "submission_history",
    "submissions",
    "submit",
    "subtree",
    "unit_history",
    "unit_of",
    "units",
    "unlock",
    "upload_siblings",
    "user_by_token",
    "version_changes",
    "version_file",
    "version_states",
    "versions_of",
]
