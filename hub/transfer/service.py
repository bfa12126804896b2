"""Importing a spreadsheet: read and check every row first, then write the whole file in one go, or nothing.

``plan_import`` matches each row against the registry (by external id, programme + acronym, or name), works
out what would change and collects every problem with its line number; it writes nothing. ``apply_import``
writes a clean plan through the core services' bulk variants, so every change is a domain event. The caller
commits (or, for a dry run, never calls ``apply_import``).
"""
from __future__ import annotations

import contextlib
import functools
import gc
import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.db import bulk_insert
from hub.funding import service as funding
from hub.funding.models import FundingKind, FundingStream
from hub.initiatives import service as initiatives
from hub.initiatives.models import Initiative, InitiativeKind
from hub.stakeholders import service as stakeholders
from hub.stakeholders.models import InitiativeRole, InitiativeRoleKind, Organisation, OrganisationType
from hub.text import name_key, slugify
from hub.transfer.models import InitiativeExternalId
from hub.transfer.reading import CSV, XLSX, FileRejected, Sheet, container_of, read_sheet
from hub.transfer.shapes import (
    KEEPEU,
    TEMPLATE,
    KeepEuShape,
    OrgRef,
    ParsedRow,
    Shape,
    StreamSpec,
    TemplateShape,
    shape_for,
)

FORMATS = (CSV, XLSX, KEEPEU)
SOURCES = {TEMPLATE: TemplateShape.source, KEEPEU: KeepEuShape.source}
_IN_CHUNK = 500


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class Change:
    """One line of the preview: what a row does to the registry (worded by the page or the command)."""

    line: int
    action: str  # "create" or "update"
    name: str
    fields: list[str] = field(default_factory=list)  # changed fields of an initiative already in the registry
    new_funding: list[str] = field(default_factory=list)  # funder names
    changed_funding: list[str] = field(default_factory=list)
    new_roles: list[tuple[str, str]] = field(default_factory=list)  # (role, organisation name)
    brings: dict[str, int] = field(default_factory=dict)  # dates, amounts, partners, regions the row holds


@dataclass
class _Target:
    """An initiative the import creates or changes; new ones carry a provisional (negative) id until written."""

    id: int
    line: int
    name: str
    existing: Initiative | None = None
    data: initiatives.InitiativeInput | None = None
    external_id: str | None = None
    new_streams: list[funding.FundingInput] = field(default_factory=list)
    changed_streams: list[tuple[FundingStream, funding.FundingInput]] = field(default_factory=list)
    new_roles: list[tuple[int, str]] = field(default_factory=list)  # (organisation id, role)
    changed_fields: list[str] = field(default_factory=list)
    brings: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """What an import would do, or why it cannot; the preview shows it and ``apply_import`` carries it out."""

    shape: str
    filename: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # imported, but not all of it: line 0 is the whole file
    ignored_columns: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    new_organisations: list[stakeholders.OrganisationInput] = field(default_factory=list)
    new_programmes: list[str] = field(default_factory=list)
    applied: bool = False
    targets: list[_Target] = field(default_factory=list, repr=False)
    new_organisation_ids: list[int] = field(default_factory=list, repr=False)  # provisional, same order

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if c.action == "update")

    @property
    def streams_added(self) -> int:
        return sum(len(t.new_streams) for t in self.targets)

    @property
    def streams_changed(self) -> int:
        return sum(len(t.changed_streams) for t in self.targets)

    @property
    def roles_added(self) -> int:
        return sum(len(t.new_roles) for t in self.targets)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a file is read and written: a big file allocates millions of
    short-lived objects, and the collector's repeated sweeps over them otherwise cost more than the work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(session: Session, data: bytes, *, filename: str, fmt: str | None, dry_run: bool,
               actor_id: int | None) -> ImportPlan:
    """Plan the file and, unless it is a dry run or has errors, write it. Raises ``FileRejected`` for a file that
    cannot be read at all. The caller commits."""
    with _collector_paused():
        plan = plan_import(session, data, filename=filename, fmt=fmt)
        if plan.ok and not dry_run:
            apply_import(session, plan, actor_id=actor_id)
    return plan


def plan_import(session: Session, data: bytes, *, filename: str, fmt: str | None = None) -> ImportPlan:
    """Read and check the whole file against the registry; writes nothing."""
    with _collector_paused():
        return _plan(session, data, filename=filename, fmt=fmt)


def read_file(data: bytes, fmt: str | None = None) -> tuple[Sheet, Shape]:
    """The file's rows and shape, or ``FileRejected`` for a file that cannot be imported at all."""
    container = container_of(data)
    if fmt in (CSV, XLSX) and fmt != container:
        raise FileRejected(_("You chose %(chosen)s, but this is a %(actual)s file.", chosen=fmt.upper(),
                             actual=container.upper()))
    book = read_sheet(data, container)
    return book.main, shape_for(book.main.headers, KEEPEU if fmt == KEEPEU else None if fmt is None else TEMPLATE,
                                book.partners)


def _plan(session: Session, data: bytes, *, filename: str, fmt: str | None) -> ImportPlan:
    sheet, shape = read_file(data, fmt)
    plan = ImportPlan(shape=shape.name, filename=filename, rows=len(sheet.rows),
                      ignored_columns=[sheet.labels[h] for h in shape.ignored])
    partners = shape.partner_sheet if isinstance(shape, KeepEuShape) else None
    labels = {**(partners.labels if partners else {}), **sheet.labels}
    planner = _Planner(session, shape, plan, labels, source=f"{shape.source}: {filename}"[:500])
    planner.run([shape.parse(line, cells) for line, cells in sheet.rows])
    plan.warnings.extend(RowError(line, column, message) for line, column, message in shape.warnings(labels))
    plan.warnings.sort(key=lambda e: e.line)
    plan.errors.sort(key=lambda e: e.line)
    plan.changes.sort(key=lambda c: c.line)
    return plan


@dataclass
class _Owner:
    """Who a row is: the registry initiative it updates (None: a new one) and the name it goes by."""

    existing_id: int | None
    name: str


class _Planner:
    """Matches parsed rows against the registry, loaded once per file (no query per row)."""

    def __init__(self, session: Session, shape: Shape, plan: ImportPlan, labels: dict[str, str], *,
                 source: str) -> None:
        self.session, self.shape, self.plan, self.labels, self.source = session, shape, plan, labels, source
        self.provisional = itertools.count(-1, -1)
        rows = session.execute(select(Initiative.id, Initiative.kind, Initiative.name_nl, Initiative.name_de,
                                      Initiative.name_en, Initiative.name_key, Initiative.aliases,
                                      Initiative.parent_id, Initiative.acronym)).all()
        self.names: dict[str, int] = {r.name_key: r.id for r in rows}  # for the services' name check
        self.by_name: dict[str, int] = {}  # any language's name, case-insensitive
        self.programme_slugs: dict[str, int] = {}  # programmes' names and aliases, accent- and dash-free
        self.by_acronym: dict[tuple[int, str], int] = {}
        for r in rows:
            for name in (r.name_nl, r.name_de, r.name_en):
                if name:
                    self.by_name.setdefault(name.casefold(), r.id)
            if r.kind == InitiativeKind.PROGRAMME:
                for name in (r.name_nl, r.name_de, r.name_en, *r.aliases.splitlines()):
                    if name and name.strip():
                        self.programme_slugs.setdefault(slugify(name), r.id)
            if r.parent_id is not None and r.acronym:
                self.by_acronym[(r.parent_id, r.acronym.casefold())] = r.id
        self.external = dict(session.execute(
            select(InitiativeExternalId.external_id, InitiativeExternalId.initiative_id)
            .where(InitiativeExternalId.source == shape.source)).all())
        org_rows = [(org_id, name) for org_id, name in session.execute(select(Organisation.id, Organisation.name))]
        self.orgs: dict[str, int] = {name_key(name): org_id for org_id, name in org_rows}
        self.org_names: dict[int, str] = dict(org_rows)
        self.org_ids: set[int] = set(self.org_names)
        self.new_orgs: dict[int, stakeholders.OrganisationInput] = {}
        self.targets: dict[int, _Target] = {}
        self.programmes: dict[str, _Target] = {}  # slug -> a new programme no row defines
        self.programme_funders: dict[int, int | None] = {}
        self.seen: dict[tuple[Any, ...], int] = {}
        self.existing: dict[int, Initiative] = {}
        self.roles_of: dict[int, set[tuple[int, str]]] = defaultdict(set)

    def run(self, rows: list[ParsedRow]) -> None:
        """First who every row is (so a row may name another row as its programme), then what it changes."""
        owners = [self._identify(row) for row in rows]
        self._load_existing([o.existing_id for o in owners if o is not None and o.existing_id is not None])
        targets = [self._target_of(row, owner) if owner is not None else None for row, owner in zip(rows, owners)]
        for row, target in zip(rows, targets):
            for column, message in row.errors:
                self._error(row.line, column, message)
            self.plan.warnings.extend(RowError(row.line, self.labels.get(column, column), message)
                                      for column, message in row.warnings)
            if target is not None:
                target.brings = row.brings
                self._plan_row(row, target)
        for target in self.targets.values():
            self._describe(target)
        self.plan.new_organisations = list(self.new_orgs.values())
        self.plan.new_organisation_ids = list(self.new_orgs)
        self.plan.targets = self._parents_first([t for t in self.targets.values() if t.data is not None])

    # --- who each row is --------------------------------------------------------------------

    def _identify(self, row: ParsedRow) -> _Owner | None:
        """Match by external id, then programme + acronym, then name; no two rows may share a key."""
        keys: list[tuple[Any, ...]] = []
        existing_id = None
        if row.external_id:
            keys.append(("external", row.external_id))
            existing_id = self.external.get(row.external_id)
        acronym = (row.fields.get("acronym") or "").casefold()
        if row.programme and acronym:
            keys.append(("acronym", row.programme.casefold(), acronym))
            parent_id = self._known_parent(row.programme)
            if existing_id is None and parent_id is not None:
                existing_id = self.by_acronym.get((parent_id, acronym))
        names = [n for n in (row.fields.get(f) for f in ("name_nl", "name_de", "name_en")) if n]
        if existing_id is None:
            existing_id = next((self.by_name[n.casefold()] for n in names if n.casefold() in self.by_name), None)
        name = names[0] if names else ""
        keys.append(("initiative", existing_id) if existing_id is not None else ("name", name.casefold()))
        for key in keys:
            if key[-1] and key in self.seen:
                self._error(row.line, "", _("This row has the same key as line %(line)d.", line=self.seen[key]))
                return None
        for key in keys:
            self.seen.setdefault(key, row.line)
        return _Owner(existing_id, name)

    def _load_existing(self, ids: list[int]) -> None:
        for chunk in _chunks(sorted(set(ids))):
            for initiative in self.session.scalars(select(Initiative).where(Initiative.id.in_(chunk))):
                self.existing[initiative.id] = initiative
            self._load_roles(chunk)

    def _load_roles(self, ids: Sequence[int]) -> None:
        for initiative_id, org_id, role in self.session.execute(
            select(InitiativeRole.initiative_id, InitiativeRole.organisation_id, InitiativeRole.role)
            .where(InitiativeRole.initiative_id.in_(ids))
        ):
            self.roles_of[initiative_id].add((org_id, role.value))

    def _target_of(self, row: ParsedRow, owner: _Owner) -> _Target:
        if owner.existing_id is not None:
            target = _Target(owner.existing_id, row.line, owner.name, existing=self.existing[owner.existing_id])
        else:
            target = _Target(next(self.provisional), row.line, owner.name)
            for name in (row.fields.get(n) for n in ("name_nl", "name_de", "name_en")):
                if name:
                    self.by_name.setdefault(name.casefold(), target.id)
        self.targets[target.id] = target
        return target

    # --- what each row changes --------------------------------------------------------------

    def _plan_row(self, row: ParsedRow, target: _Target) -> None:
        current = target.existing
        fields = dict(row.fields)
        parent_id = self._parent(row, target) if row.programme else None
        if row.programme is not None:
            fields["parent_id"] = parent_id if parent_id is None or parent_id > 0 else None
        if current is not None:
            data = replace(_input_of(current), **fields)
        else:
            if not fields.get("source"):
                fields["source"] = self.source  # a new initiative says where it came from: this file
            data = initiatives.InitiativeInput(**{"kind": InitiativeKind.OTHER.value, **fields})
        # A parent the import has yet to create cannot be checked against the registry; it is set after.
        errors = initiatives.validate_initiative(self.session, data, current, names=self.names)
        if parent_id is not None and parent_id < 0:
            data.parent_id = parent_id
        self._errors(row.line, self.shape.initiative_columns, errors)
        target.data = data
        if not errors:
            self.names[name_key(_primary(data))] = target.id
        if row.external_id and self.external.get(row.external_id) is None:
            target.external_id = row.external_id
        self._plan_streams(row, target)
        for ref, role in row.roles:
            org_id = self._organisation(ref, row.line, self.shape.role_columns[role])
            if org_id is not None:
                self._add_role(target, org_id, role)

    def _known_parent(self, reference: str) -> int | None:
        """An initiative by any of its names, or a programme by an alias or a spelling with other dashes/accents."""
        found = self.by_name.get(reference.casefold())
        return found if found is not None else self.programme_slugs.get(_slug(reference))

    def _parent(self, row: ParsedRow, target: _Target) -> int:
        """The programme a row names: an initiative in the registry or in the file, else a new programme."""
        slug = _slug(row.programme or "")
        found = self._known_parent(row.programme or "")
        if found is not None and found != target.id:
            return found
        if slug not in self.programmes:
            name = row.programme or ""
            programme = _Target(next(self.provisional), row.line, name, data=initiatives.InitiativeInput(
                kind=InitiativeKind.PROGRAMME.value, source=self.source, **{self.shape.programme_name_field: name}))
            assert programme.data is not None
            errors = initiatives.validate_initiative(self.session, programme.data, names=self.names)
            self._errors(row.line, {field: self.shape.initiative_columns["parent_id"] for field in errors}, errors)
            self.names[name_key(name)] = programme.id
            self.targets[programme.id] = programme
            self.programmes[slug] = programme
            self.programme_slugs[slug] = programme.id
            self.plan.new_programmes.append(name)
        return self.programmes[slug].id

    def _plan_streams(self, row: ParsedRow, target: _Target) -> None:
        if not row.streams:
            return
        existing: dict[int, list[FundingStream]] = defaultdict(list)
        if target.existing is not None:
            for stream in sorted(target.existing.funding_streams, key=lambda s: (s.start_date, s.id)):
                existing[stream.funder_id].append(stream)
        for spec in row.streams:
            funder_id = self._funder(spec, target, row.line)
            if funder_id is None:
                continue
            matches = existing[funder_id]
            stream = matches.pop(0) if matches else None
            if stream is not None:
                data = replace(_funding_input_of(stream), **spec.fields)
            else:
                data = funding.FundingInput(**{"funder_id": funder_id, "kind": FundingKind.TEMPORARY.value,
                                               "start_date": None, **spec.fields})
            errors = funding.validate_stream(self.session, data, funders=self.org_ids)
            self._errors(row.line, self.shape.funding_columns, errors)
            if stream is None:
                target.new_streams.append(data)
            elif data != _funding_input_of(stream):
                target.changed_streams.append((stream, data))

    def _funder(self, spec: StreamSpec, target: _Target, line: int) -> int | None:
        if spec.funder is not None:
            return self._organisation(spec.funder, line, self.shape.funding_columns["funder_id"])
        parent_id = target.data.parent_id if target.data else None
        return self._programme_funder(parent_id, line) if parent_id is not None else None

    def _programme_funder(self, programme_id: int, line: int) -> int | None:
        """Who funds a programme's projects: the programme's lead organisation, else one made for it (and made lead)."""
        if programme_id not in self.programme_funders:
            lead = None
            if programme_id > 0:
                lead = self.session.scalar(
                    select(InitiativeRole.organisation_id).join(Organisation)
                    .where(InitiativeRole.initiative_id == programme_id, InitiativeRole.role == InitiativeRoleKind.LEAD)
                    .order_by(Organisation.name).limit(1))
            if lead is None:
                programme = self._target_for_roles(programme_id, line)
                column = self.shape.funding_columns["funder_id"]
                lead = self._organisation(OrgRef(programme.name, programme.name[:200], "EU",
                                                 OrganisationType.FUNDER.value), line, column)
                if lead is not None:
                    self._add_role(programme, lead, InitiativeRoleKind.LEAD.value)
            self.programme_funders[programme_id] = lead
        return self.programme_funders[programme_id]

    def _target_for_roles(self, initiative_id: int, line: int) -> _Target:
        """The target a role is added to; an untouched registry initiative becomes one just for its new roles."""
        if initiative_id not in self.targets:
            initiative = self.session.get(Initiative, initiative_id)
            assert initiative is not None
            self.targets[initiative_id] = _Target(initiative_id, line, initiative.primary_name, existing=initiative,
                                                  data=_input_of(initiative))
            self._load_roles([initiative_id])
        return self.targets[initiative_id]

    def _organisation(self, ref: OrgRef, line: int, column: str) -> int | None:
        """The id (provisional for a new one) of the organisation a cell names, or None with the error noted."""
        for name in (ref.raw, ref.name):
            if name_key(name) in self.orgs:
                return self.orgs[name_key(name)]
        if ref.country is None:
            self._error(line, column, _("Unknown organisation “%(name)s”: add it first, or write “%(name)s (NL)” "
                                        "with its country code to have the import add it.", name=ref.raw))
            return None
        data = stakeholders.OrganisationInput(name=ref.name, country=ref.country, type=ref.type)
        errors = stakeholders.validate_organisation(self.session, data, names=self.orgs)
        if errors:
            self._errors(line, {name: column for name in errors}, errors)
            return None
        org_id = next(self.provisional)
        self.orgs[name_key(ref.name)] = org_id
        self.org_names[org_id] = ref.name
        self.org_ids.add(org_id)
        self.new_orgs[org_id] = data
        return org_id

    def _add_role(self, target: _Target, org_id: int, role: str) -> None:
        if (org_id, role) not in self.roles_of.get(target.id, set()) and (org_id, role) not in target.new_roles:
            target.new_roles.append((org_id, role))

    # --- preview, errors and write order ----------------------------------------------------

    def _describe(self, target: _Target) -> None:
        """Record the target's change for the preview, or count it unchanged."""
        assert target.data is not None
        change = Change(target.line, "create" if target.existing is None else "update", _primary(target.data),
                        new_funding=[self.org_names[d.funder_id or 0] for d in target.new_streams],
                        changed_funding=[self.org_names[d.funder_id or 0] for _s, d in target.changed_streams],
                        new_roles=[(role, self.org_names[org_id]) for org_id, role in target.new_roles],
                        brings=target.brings)
        if target.existing is not None:
            before = initiatives.snapshot(target.existing)
            after = initiatives.snapshot_input(target.data)
            target.changed_fields = change.fields = [k for k, v in after.items() if before.get(k) != v]
            if not (change.fields or change.new_funding or change.changed_funding or change.new_roles
                    or target.external_id):
                self.plan.unchanged += 1
                return
        self.plan.changes.append(change)

    def _errors(self, line: int, columns: dict[str, str], errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self._error(line, columns.get(name, name), message)

    def _error(self, line: int, column: str, message: str) -> None:
        self.plan.errors.append(RowError(line, self.labels.get(column, column), message))

    def _parents_first(self, targets: list[_Target]) -> list[_Target]:
        """Registry initiatives, then new ones in dependency order; a loop of new parents is an error."""
        ordered = [t for t in targets if t.existing is not None]
        placed = {t.id for t in ordered}
        pending = [t for t in targets if t.existing is None]
        while pending:
            ready = [t for t in pending if t.data is None or t.data.parent_id is None or t.data.parent_id > 0
                     or t.data.parent_id in placed]
            if not ready:
                for t in pending:
                    self._error(t.line, self.shape.initiative_columns.get("parent_id", ""),
                                _("The programme column makes a loop: an initiative would be part of itself."))
                break
            ordered.extend(ready)
            placed.update(t.id for t in ready)
            pending = [t for t in pending if t.id not in placed]
        return ordered


@functools.lru_cache(maxsize=1024)
def _slug(name: str) -> str:
    """Programme references repeat on many rows; fold each spelling once."""
    return slugify(name)


def _primary(data: initiatives.InitiativeInput) -> str:
    return next((n.strip() for n in (data.name_nl, data.name_de, data.name_en) if n and n.strip()), "")


def _input_of(initiative: Initiative) -> initiatives.InitiativeInput:
    """An initiative as it stands, as input: the base an import row overwrites column by column."""
    return initiatives.InitiativeInput(
        kind=initiative.kind.value, name_nl=initiative.name_nl, name_de=initiative.name_de,
        name_en=initiative.name_en, acronym=initiative.acronym, aliases=initiative.alias_list,
        description=initiative.description, status=initiative.status.value, start_date=initiative.start_date,
        end_date=initiative.end_date, dates_estimated=initiative.dates_estimated, regions=initiative.region_codes,
        website=initiative.website, advice_codes=initiative.advice_codes, parent_id=initiative.parent_id,
        source=initiative.source,
    )


def _funding_input_of(stream: FundingStream) -> funding.FundingInput:
    return funding.FundingInput(
        funder_id=stream.funder_id, kind=stream.kind.value, start_date=stream.start_date, end_date=stream.end_date,
        amount=stream.amount, currency=stream.currency, cofinancing_share=stream.cofinancing_share,
        amount_estimated=stream.amount_estimated, end_date_estimated=stream.end_date_estimated, note=stream.note,
    )


def _chunks(items: Sequence[int], size: int = _IN_CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- writing ---------------------------------------------------------------------------------

def apply_import(session: Session, plan: ImportPlan, *, actor_id: int | None) -> None:
    """Write a clean plan: organisations, initiatives parents first, external ids, funding, roles."""
    if not plan.ok:
        raise ValueError("an import plan with errors cannot be applied")
    with _collector_paused():
        _apply(session, plan, actor_id)
    plan.applied = True


def _apply(session: Session, plan: ImportPlan, actor_id: int | None) -> None:
    """The plan's inputs still hold provisional ids; each is swapped for the real one once that is written
    (in place: a plan is applied once)."""
    ids: dict[int, int] = {}  # provisional id -> real id

    def real(some_id: int) -> int:
        return ids.get(some_id, some_id)

    def resolved(data: initiatives.InitiativeInput | None) -> initiatives.InitiativeInput:
        assert data is not None
        if data.parent_id is not None:
            data.parent_id = real(data.parent_id)
        return data

    def funded(data: funding.FundingInput) -> funding.FundingInput:
        data.funder_id = real(data.funder_id or 0)
        return data

    made = stakeholders.create_organisations(session, plan.new_organisations, actor_id=actor_id)
    ids.update(zip(plan.new_organisation_ids, made))
    for wave in _waves([t for t in plan.targets if t.existing is None]):
        made = initiatives.create_initiatives(session, [resolved(t.data) for t in wave], actor_id=actor_id)
        ids.update(zip((t.id for t in wave), made))
    names = dict(session.execute(select(Initiative.name_key, Initiative.id)).all())
    for target in plan.targets:
        if target.existing is not None and target.changed_fields:
            names.pop(target.existing.name_key, None)
            initiatives.update_initiative(session, target.existing, resolved(target.data), actor_id=actor_id,
                                          names=names)
            names[target.existing.name_key] = target.existing.id
    links = [{"source": SOURCES[plan.shape], "external_id": t.external_id, "initiative_id": real(t.id)}
             for t in plan.targets if t.external_id]
    bulk_insert(session, InitiativeExternalId.__table__, links)
    funding.add_streams(session, [(real(t.id), funded(d)) for t in plan.targets for d in t.new_streams],
                        actor_id=actor_id)
    for target in plan.targets:
        for stream, data in target.changed_streams:
            funding.update_stream(session, stream, funded(data), actor_id=actor_id)
    stakeholders.add_roles(session, [(real(t.id), real(org_id), role) for t in plan.targets
                                     for org_id, role in t.new_roles], actor_id=actor_id)
    session.flush()


def _waves(targets: list[_Target]) -> Iterator[list[_Target]]:
    """Consecutive groups of a parents-first list, each group's new parents written by an earlier group."""
    written: set[int] = set()
    wave: list[_Target] = []
    for target in targets:
        parent = target.data.parent_id if target.data else None
        if parent is not None and parent < 0 and parent not in written and wave:
            yield wave
            written.update(t.id for t in wave)
            wave = []
        wave.append(target)
    if wave:
        yield wave
