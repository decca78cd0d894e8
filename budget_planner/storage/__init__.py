"""Storage: SQLAlchemy 2 models, Alembic migrations and the repository functions (docs/architecture.md).

The only part of the package that imports SQLAlchemy and Alembic. SQLite (WAL, ``synchronous=FULL``)
in the instance folder by default; PostgreSQL through ``DATABASE_URL`` (``postgresql://`` is taken
as psycopg 3). Tables exist only through the migration in ``migrations/``.

Set-up (``storage.db``)::

    engine = make_engine(url: str | None, instance_dir: Path) -> Engine
    upgrade(engine, revision="head");  downgrade(engine, revision="base")
    Session = make_session_factory(engine)        # expire_on_commit=False

The API (``storage.repository``; every function takes a ``Session`` first). ``scope`` is a required
keyword: pass the acting account (the ``User`` model or any object with ``id``, ``unit_id``,
``reviewer`` and ``finance``) or a ``Scope``. What an account reaches in a round comes from the unit
tree through one function, ``round_roles`` (docs/units-and-rounds.md): its own unit in a round its
unit is a member of, every member in a round its unit collects (holding 审核 or 财务), nothing in
any other round. ``None`` means every unit, an ``int`` one unit id; a ``Scope`` made for one round
hides every other round. Out of scope, a single object reads as None, a list as empty, and a
mutation raises ``NotFound``. ``user``/``actor`` is the acting account (re-read from the database);
``None`` is the command line. Every mutation commits as one transaction (whatever the session held
before is committed first) or rolls back whole.

The unit tree and the roles it gives (``tree.py``, ``tree_edits.py``, ``roles.py``)::

    round_roles(s, account, round) -> RoundRoles(round_id, roles, units, own_unit, accounts)
    account_rounds(s, account) -> [(Round, RoundRoles)]   # the rounds it has a part in
    scope_in(s, scope, round_id) -> Scope;  manages(s, account, unit_id) -> bool  # 审核 at or above
    outline(s, root_id=None) -> [(depth, Unit)];  subtree(s, unit_id) -> set[int]
    find_one(s, name) -> Unit | None                     # by short or full name, in the whole tree
    add_unit(s, parent_id, short_name, full_name, *, actor) -> Unit
    edit_unit(s, unit_id, *, actor, full_name=None, contact=None, phone=None) -> Unit

Rounds::

    load_round_into_db(s, round_: templates.round.Round, toml_text, *, actor=None) -> Round
        # attached to its collecting unit ([collector]), the members placed in its subtree
    open_round(s, round_id, *, actor=None) / close_round(...) -> Round
    get_round(s, round_id) / current_round(s) -> Round | None;  list_rounds(s) -> list[Round]
    config_of(round) -> templates.round.Round            # required tables, presets, deadline
    units(s, round_id, *, scope) -> list[Unit];  find_unit(s, round_id, name, *, scope) -> Unit | None
    set_control_number(s, round_id, unit_name, amount: Decimal, *, actor) -> ControlNumber
    control_numbers(s, round_id, *, scope) -> dict[short_name, Decimal]

Accounts (passwords hashed with werkzeug scrypt; one-time passwords from ``secrets``)::

    create_user(s, username, password, unit, *, reviewer=False, finance=False,
                must_change_password=True, actor=None) -> User
    create_unit_accounts(s, round_id, *, actor=None) -> list[NewAccount(unit, full_name, username,
        password)]                                      # one per member unit without an account
    set_holdings(s, username, *, reviewer, finance, actor) -> User   # 审核 / 财务 in its unit
    reset_password(s, username, *, actor=None) -> str   # a new one-time password
    check_password(user, password) -> bool
    authenticate(s, username, password, *, detail="") -> User | None   # audits login / login.failed
    change_password(s, user_id, new_password, *, current_password=None) -> User
    set_active(s, username, active, *, actor) -> User  # disabling revokes the API token too
    unlock(s, username, *, actor) -> bool;  sign_in_locks(s, users) -> {user id: locked until}
    get_user(s, username) -> User | None
    list_users(s, *, within=None) -> list[User]         # in the tree's order (within a subtree)

Uploads and the workflow (``workflow.py`` declares states × actions × roles → next state;
``transitions.py`` is the one path that takes an action; docs/workflow.md)::

    store_upload(s, *, round_id, unit_short_name, data, original_name, checked: list[Checked], user,
                 on_behalf: bool | None = None, attachment: tuple[bytes, str] | None = None)
        -> list[Version]   # UploadRefused: a unit's file naming another unit (audited)
    act(s, version_id, user, action, *, comment="") -> Version
        # submit, withdraw, delete, approve, return, revoke: PermissionDenied (403), NotFound
        # (404), WorkflowConflict (409: the state or a closed round forbids it), UsageError (400)
    check(s, version_id, user, action) -> Version;  available(s, version, user) -> [Action]
    submit(s, version_id, user) -> Version;  review(s, version_id, user, decision, comment) -> Review
    grant_late(s, round_id, unit_name, until | None, *, actor);  late_grants(s, round_id)
    filing_refusal(s, round, unit_id, now=None) -> str | None   # 关闭征集 and 补报

Queries (all with ``scope``)::

    completeness(s, round_id, *, scope, now=None) -> Completeness | None
    submissions(s, round_id, *, scope, unit_id=None) -> list[Submission]
    get_submission(s, submission_id, *, scope) / get_version(s, version_id, *, scope)
    versions_of(s, submission_id, *, scope) -> list[Version]
    upload_siblings(s, version_id, *, scope) -> list[Version]   # the tables of the same upload
    version_file(s, version_id, *, scope) -> (bytes, original_name) | None
    attachment_file(s, attachment_id, *, scope) -> (bytes, original_name, mime) | None
    project_rows(s, version_id, *, scope) -> list[ProjectRow]
    counted_versions(s, round_id, *, scope) -> list[Counted(submission, version, reason, state)]
        # what counts, defined once (queries.counted_for): approved, else the waiting
        # submission, else the newest clean version (未提交), else the newest (有错误)
    set_allocation(s, round_id, unit_name, key, amount | None, *, actor) -> Allocation | None
    set_allocations(s, round_id, unit_name, {key: amount | None}, *, actor, reasons) -> int
        # finance's form, all or nothing: AllocationRefused(problems by key) when an amount is
        # above the project's request, a 核减 without its reason, not an eligible project, or
        # raises 表四 above the control
    allocation_view(s, round_id, *, scope) -> AllocationView(projects, refused, stored, held)
    requested_projects(s, round_id, unit_id) -> dict[key, Requested]  # the eligible projects
    publish(s, round_id, *, actor) -> Publication;  published_amounts(s, round_id, *, scope)
    allocations(s, round_id, *, scope) -> dict[(short_name, key), Decimal]
    rows_with_allocations(s, version_id, *, scope) -> list[AllocatedRow(row, allocated, reason)]
        # a unit account sees the last published snapshot, admin and finance the amounts entered
    set_control_numbers(s, round_id, {unit_name: amount}, *, actor, source="") -> list[...]
    stored_counted(s, round_id, *, scope) -> StoredCounted(counted, superseded)
        # the counted versions as the core's CountedVersion (for aggregate.consolidate),
        # rebuilt from the stored reports and project rows

History, receipts, reminders, audit lines (all with ``scope``)::

    unit_history(s, round_id, unit_id, *, scope) -> list[Thread(submission, entries)]
    submission_history(s, submission_id, *, scope) -> Thread | None
        # entries newest first: VersionEntry(version, state, previous, changes: list[Change])
    changes(before_rows, after_rows) -> list[Change]   # by project key: 新增 / 删除 / 金额变化
    receipt(s, round_id, unit_id, *, scope, now=None) -> Receipt | None
    reminders(s, round_id, *, scope, now=None) -> list[Reminder]  # contacts and the message
    audit_lines(s, round_id, *, scope, limit=None) -> list[AuditLine]  # unit and version named
    unit_of(s, unit_id, *, scope, round_id=None) -> Unit | None   # a member of that round

API tokens (one per account, only the SHA-256 stored)::

    issue_token(s, user_id, *, actor) -> str   # shown once; replaces the old one
    revoke_token(s, user_id, *, actor) -> bool;  user_by_token(s, token) -> User | None
    audit(s, user, action, *, detail="", username=None, round_id=None, unit_id=None,
          version_id=None) -> AuditLog                # the web's own events (logout, download)
    audit_log(s, round_id=None, *, scope, actions=(), limit=None) -> list[AuditLog]

Errors: ``NotFound`` (404), ``PermissionDenied`` (403), ``WorkflowConflict`` (409), ``UsageError``
(a refused action, with a Chinese message), all ``BudgetPlannerError``.
"""
