"""The lobby brief: what a minister is handed, generated from the registry for a cycle or one priority.

``build_brief`` gathers the facts (locale-free); ``brief_blocks`` turns them into headings, paragraphs,
tables and the funding-cliff chart in the current locale. The page, the Word document and the Markdown
file are three renderings of the same blocks, so they never disagree.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hub import advice, clock
from hub.formatting import day, locale_code, money, percent
from hub.funding.horizon import StreamCliff, funding_horizon, horizons_query, stream_cliffs
from hub.funding.models import FundingStream
from hub.initiatives.models import Initiative
from hub.lobby import chart as charts
from hub.lobby.labels import ACTION_KIND_LABELS, STATUS_LABELS, TARGET_LEVEL_LABELS, position_label
from hub.lobby.models import EvidenceKind, LobbyAction, LobbyCycle, LobbyEvidence, LobbyPriority, PartnerPosition, Position
from hub.lobby.service import coalition_counts, partners_of
from hub.stakeholders.models import Organisation

RISK_MONTHS = 18
CHART_ROWS = 30


def months_after(start: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class AtRisk:
    """An initiative whose funding horizon falls within the risk window, with the money still running."""

    initiative: Initiative
    horizon: date
    amounts: dict[str, Decimal]  # currency -> total of the streams that have not ended yet
    estimated: bool
    ranks: tuple[int, ...]  # the priorities (by rank) that cite it as evidence


@dataclass(frozen=True)
class PriorityFacts:
    priority: LobbyPriority
    counts: dict[Position | None, int]
    positions: list[PartnerPosition]
    initiatives: list[tuple[Initiative, date | None]]
    evidence: dict[EvidenceKind, list[LobbyEvidence]]


@dataclass
class Brief:
    cycle: LobbyCycle
    scope: LobbyPriority | None
    today: date
    limit: date
    partners: list[Organisation]
    priorities: list[PriorityFacts]
    at_risk: list[AtRisk]
    open_actions: list[LobbyAction] = field(default_factory=list)
    # Streams ending in the window while their initiative goes on: money at risk short of a full cliff.
    partial: list[tuple[Initiative, StreamCliff]] = field(default_factory=list)

    @property
    def overdue(self) -> list[LobbyAction]:
        return [a for a in self.open_actions if a.is_overdue(self.today)]


def _priority_facts(priority: LobbyPriority, partners: list[Organisation]) -> PriorityFacts:
    order = {p: i for i, p in enumerate(Position)}
    evidence: dict[EvidenceKind, list[LobbyEvidence]] = defaultdict(list)
    for item in priority.evidence:
        evidence[item.kind].append(item)
    return PriorityFacts(
        priority=priority,
        counts=coalition_counts(priority, partners),
        positions=sorted(priority.positions, key=lambda p: (order[p.position], p.organisation.name)),
        initiatives=[(e.initiative, funding_horizon(e.initiative.funding_streams))
                     for e in evidence[EvidenceKind.INITIATIVE]],
        evidence=evidence,
    )


def _at_risk(session: Session, priorities: list[LobbyPriority], scope: LobbyPriority | None,
             today: date, limit: date) -> list[AtRisk]:
    """Initiatives whose funding ends between today and ``limit``: every one in the registry for a cycle
    brief, the priority's own evidence for a priority brief."""
    horizons = horizons_query().subquery()
    query = (
        select(Initiative, horizons.c.horizon)
        .join(horizons, horizons.c.initiative_id == Initiative.id)
        .where(horizons.c.horizon >= today, horizons.c.horizon <= limit)
        .order_by(horizons.c.horizon, Initiative.name_key)
    )
    if scope is not None:
        query = query.where(Initiative.id.in_([e.initiative_id for e in scope.evidence if e.initiative_id]))
    rows = session.execute(query).all()
    cited: dict[int, list[int]] = defaultdict(list)
    for priority in priorities:
        for item in priority.evidence:
            if item.initiative_id is not None:
                cited[item.initiative_id].append(priority.rank)
    streams = session.scalars(select(FundingStream).where(
        FundingStream.initiative_id.in_([r[0].id for r in rows]), FundingStream.effective_end >= today)).all()
    running: dict[int, list[FundingStream]] = defaultdict(list)
    for stream in streams:
        running[stream.initiative_id].append(stream)
    result = []
    for initiative, horizon in rows:
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        for stream in running[initiative.id]:
            if stream.amount is not None:
                amounts[stream.currency] += stream.amount
        result.append(AtRisk(initiative, horizon, dict(amounts),
                             any(s.amount_estimated for s in running[initiative.id]), tuple(sorted(cited[initiative.id]))))
    return result


def _partial_cliffs(session: Session, scope: LobbyPriority | None, today: date, limit: date) -> list[tuple[Initiative, StreamCliff]]:
    """Streams without successor ending between today and ``limit`` while their initiative's funding goes on
    past ``limit`` (initiatives whose horizon falls within it are at risk as a whole already)."""
    ending = select(FundingStream.initiative_id).where(
        FundingStream.effective_end >= today, FundingStream.effective_end <= limit, FundingStream.successor_id.is_(None))
    query = select(Initiative).where(Initiative.id.in_(ending)).options(selectinload(Initiative.funding_streams))
    if scope is not None:
        query = query.where(Initiative.id.in_([e.initiative_id for e in scope.evidence if e.initiative_id]))
    lead_days = current_app.config["RENEWAL_LEAD_DAYS"]
    rows = [(initiative, cliff) for initiative in session.scalars(query)
            if (horizon := funding_horizon(initiative.funding_streams)) is None or horizon > limit
            for cliff in stream_cliffs(initiative.funding_streams, lead_days, since=today)
            if cliff.end <= limit and not cliff.last and not cliff.successor and not cliff.stream.programme_envelope]
    return sorted(rows, key=lambda row: (row[1].end, row[0].name_key))


def build_brief(session: Session, cycle: LobbyCycle, scope: LobbyPriority | None = None) -> Brief:
    today = clock.today()
    limit = months_after(today, RISK_MONTHS)
    partners = partners_of(session, cycle)
    in_scope = [scope] if scope is not None else list(cycle.priorities)
    actions = sorted((a for p in in_scope for a in p.actions if a.is_open()), key=lambda a: (a.due_on, a.id))
    return Brief(
        cycle=cycle, scope=scope, today=today, limit=limit, partners=partners,
        priorities=[_priority_facts(p, partners) for p in in_scope],
        at_risk=_at_risk(session, list(cycle.priorities), scope, today, limit),
        open_actions=actions,
        partial=_partial_cliffs(session, scope, today, limit),
    )


# --- blocks: the brief's content in the current locale ---------------------------------------


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    text: str
    level: int  # 0 = document title


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    style: str = "body"  # body | lead | quote | note


@dataclass(frozen=True)
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    flag: str = ""  # overdue | total


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    name: str  # a stable identifier: coalition, positions, at-risk, ...
    header: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ChartBlock:
    kind: ClassVar[str] = "chart"
    chart: charts.Chart


Block = Heading | Paragraph | Bullets | Table | ChartBlock


def amount_text(row: AtRisk) -> str:
    if not row.amounts:
        return _("amount unknown")
    text = " + ".join(money(total, currency) for currency, total in sorted(row.amounts.items()))
    return _("%(amount)s (estimate)", amount=text) if row.estimated else text


def _ranks_text(ranks: tuple[int, ...]) -> str:
    return ", ".join(f"#{rank}" for rank in ranks) or "—"


def summary_lines(brief: Brief) -> list[str]:
    """The brief's opening in numbers: the coalition, the money at risk and the open actions."""
    lines = []
    if brief.scope is None and len(brief.cycle.priorities) < 3:
        lines.append(_("This cycle has %(count)s of its three priorities.", count=len(brief.cycle.priorities)))
    for facts in brief.priorities:
        lines.append(ngettext(
            "Priority %(rank)s (%(status)s): %(endorse)s of %(num)s partner endorses it, %(reserve)s support it with "
            "reservations, %(oppose)s oppose it.",
            "Priority %(rank)s (%(status)s): %(endorse)s of %(num)s partners endorse it, %(reserve)s support it with "
            "reservations, %(oppose)s oppose it.",
            len(brief.partners), rank=facts.priority.rank, status=STATUS_LABELS[facts.priority.status],
            endorse=facts.counts[Position.ENDORSES], reserve=facts.counts[Position.SUPPORTS_WITH_RESERVATIONS],
            oppose=facts.counts[Position.OPPOSES]))
    euros = sum((r.amounts.get("EUR", Decimal(0)) for r in brief.at_risk), Decimal(0))
    lines.append(ngettext(
        "%(num)s initiative loses its funding within %(months)s months (by %(limit)s); %(amount)s of funding ends with it.",
        "%(num)s initiatives lose their funding within %(months)s months (by %(limit)s); %(amount)s of funding ends "
        "with them.", len(brief.at_risk), months=RISK_MONTHS, limit=day(brief.limit), amount=money(euros)))
    lines.append(ngettext("%(num)s action is open, %(overdue)s of them overdue.",
                          "%(num)s actions are open, %(overdue)s of them overdue.",
                          len(brief.open_actions), overdue=len(brief.overdue)))
    return lines


def cliff_chart(brief: Brief) -> charts.Chart:
    """The earliest cliffs (at most ``CHART_ROWS``, so the chart stays one page); the table lists them all."""
    locale = locale_code()
    rows = [charts.ChartRow(r.initiative.name_in(locale), r.horizon, amount_text(r)) for r in brief.at_risk[:CHART_ROWS]]
    title = _("Funding cliffs in the next %(months)s months", months=RISK_MONTHS)
    if len(brief.at_risk) > CHART_ROWS:
        title = _("%(title)s: the %(shown)s earliest of %(count)s; the table lists them all", title=title,
                  shown=CHART_ROWS, count=len(brief.at_risk))
    return charts.cliff_chart(rows, today=brief.today, limit=brief.limit, locale=locale, title=title,
                              today_label=_("today"), limit_label=_("%(months)s months", months=RISK_MONTHS))


def coalition_header() -> tuple[str, ...]:
    return (_("Priority"), *(position_label(p) for p in Position), position_label(None))


def _cliff_text(initiative: Initiative, horizon: date | None, today: date) -> str:
    if horizon is None:
        return _("open-ended") if initiative.funding_streams else _("no funding recorded")
    if horizon < today:
        return _("ended on %(date)s", date=day(horizon))
    return day(horizon)


def _priority_blocks(facts: PriorityFacts, locale: str, today: date) -> list[Block]:
    priority = facts.priority
    blocks: list[Block] = [Heading(f"{priority.rank}. {priority.title_in(locale)}", 2)]
    if priority.summary_in(locale):
        blocks.append(Paragraph(priority.summary_in(locale)))
    recommendations = "; ".join(f"{code} {advice.title(code, locale)}" for code in priority.advice_codes)
    blocks.append(Bullets((
        _("Status: %(status)s", status=STATUS_LABELS[priority.status]),
        _("Target level: %(level)s", level=TARGET_LEVEL_LABELS[priority.target_level]),
        _("Owner: %(owner)s", owner=priority.owner.name),
        _("SER recommendations: %(recommendations)s", recommendations=recommendations),
    )))
    blocks.append(Heading(_("Positions of the partners"), 3))
    if facts.positions:
        blocks.append(Table("positions", (_("Partner"), _("Position"), _("Date"), _("Note")), tuple(
            Row((p.organisation.name, position_label(p.position), day(p.stated_on), p.note)) for p in facts.positions)))
    else:
        blocks.append(Paragraph(_("No positions recorded yet."), "note"))
    blocks.append(Heading(_("Evidence"), 3))
    if facts.initiatives:
        blocks.append(Table("evidence-initiatives", (_("Initiative"), _("Funding cliff")), tuple(
            Row((i.name_in(locale), _cliff_text(i, h, today))) for i, h in facts.initiatives)))
    figures = facts.evidence.get(EvidenceKind.FIGURE, [])
    if figures:
        blocks.append(Bullets(tuple(f"{f.value} — {f.text} ({f.source}, {day(f.source_date)})" for f in figures)))
    for quote in facts.evidence.get(EvidenceKind.QUOTE, []):
        blocks.append(Paragraph(f"“{quote.text}” — {quote.source}", "quote"))
    news = facts.evidence.get(EvidenceKind.NEWS, [])
    if news:
        blocks.append(Bullets(tuple(f"{n.text} ({n.source}, {day(n.source_date)}) {n.url}" for n in news)))
    if not priority.evidence:
        blocks.append(Paragraph(_("No evidence linked yet."), "note"))
    return blocks


def brief_title(brief: Brief) -> str:
    locale = locale_code()
    subject = brief.scope.title_in(locale) if brief.scope else brief.cycle.title_in(locale)
    return _("Lobby brief: %(subject)s", subject=subject)


def brief_blocks(brief: Brief) -> list[Block]:
    """The whole brief in the current locale (call inside ``force_locale``)."""
    locale = locale_code()
    blocks: list[Block] = [
        Heading(brief_title(brief), 0),
        Paragraph(_("Joint lobby of the border provinces, cycle %(year)s. Generated from the Grenshub registry on "
                    "%(date)s.", year=brief.cycle.year, date=day(brief.today)), "lead"),
        Heading(_("Summary"), 1),
    ]
    if brief.cycle.summary_in(locale):
        blocks.append(Paragraph(brief.cycle.summary_in(locale)))
    blocks.append(Bullets(tuple(summary_lines(brief))))

    blocks.append(Heading(_("The priorities"), 1))
    blocks.append(Table("priorities", (_("Rank"), _("Priority"), _("Status"), _("Target level"), _("Owner")), tuple(
        Row((str(f.priority.rank), f.priority.title_in(locale), str(STATUS_LABELS[f.priority.status]),
             str(TARGET_LEVEL_LABELS[f.priority.target_level]), f.priority.owner.name)) for f in brief.priorities)))
    blocks.append(Heading(_("Coalition"), 2))
    blocks.append(Paragraph(ngettext("Position of the %(num)s partner per priority.",
                                     "Positions of the %(num)s partners per priority.", len(brief.partners)), "note"))
    blocks.append(Table("coalition", coalition_header(), tuple(
        Row((f"{f.priority.rank}. {f.priority.title_in(locale)}", *(str(f.counts[p]) for p in Position),
             str(f.counts[None]))) for f in brief.priorities)))
    for facts in brief.priorities:
        blocks.extend(_priority_blocks(facts, locale, brief.today))

    blocks.append(Heading(_("Initiatives at risk"), 1))
    blocks.append(Paragraph(_("Initiatives whose funding ends within %(months)s months, before %(limit)s.",
                              months=RISK_MONTHS, limit=day(brief.limit))))
    if brief.at_risk:
        blocks.append(ChartBlock(cliff_chart(brief)))
        total = sum((r.amounts.get("EUR", Decimal(0)) for r in brief.at_risk), Decimal(0))
        blocks.append(Table("at-risk", (_("Initiative"), _("Funding ends"), _("Amount ending"), _("Evidence for")), (
            *(Row((r.initiative.name_in(locale), day(r.horizon), amount_text(r), _ranks_text(r.ranks))) for r in brief.at_risk),
            Row((_("Total"), "", money(total), ""), "total"),
        )))
    else:
        blocks.append(Paragraph(_("No initiative's funding ends within %(months)s months.", months=RISK_MONTHS), "note"))
    if brief.partial:
        blocks.append(Heading(_("Initiatives losing part of their funding"), 2))
        blocks.append(Paragraph(_("Funding streams that end within %(months)s months with no successor recorded, while the "
                                  "initiative keeps other funding.", months=RISK_MONTHS)))
        blocks.append(Table("partial-cliffs", (_("Initiative"), _("Funder"), _("Funding ends"), _("Amount ending"),
                                               _("Share of its funding")), tuple(
            Row((initiative.name_in(locale), cliff.stream.funder.name, day(cliff.end),
                 money(cliff.stream.amount, cliff.stream.currency), percent(cliff.share)))
            for initiative, cliff in brief.partial)))

    blocks.append(Heading(_("Open actions"), 1))
    if brief.open_actions:
        blocks.append(Table("actions", (_("Date"), _("Priority"), _("Kind"), _("Action"), _("Responsible"), _("State")), tuple(
            Row((day(a.due_on), f"#{a.priority.rank}", str(ACTION_KIND_LABELS[a.kind]), a.title, a.responsible.name,
                 _("Overdue") if a.is_overdue(brief.today) else _("Open")), "overdue" if a.is_overdue(brief.today) else "")
            for a in brief.open_actions)))
    else:
        blocks.append(Paragraph(_("No open actions."), "note"))
    return blocks
