"""Issue 7, fuzzed: schemathesis generates valid and invalid requests for every operation in the OpenAPI document
and sends them to the app in-process (WSGI), with an administrator's write token. No response may be a 500,
and every response must match the status codes, content type and schema the document gives for it."""
from __future__ import annotations

import tempfile
from datetime import date
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from hub.alerts.service import SubscriptionInput, subscribe_user
from hub.api.service import create_token
from hub.api.views import document
from hub.app import create_app
from hub.auth.models import Role
from hub.auth.service import create_user
from hub.db import get_session
from hub.lobby.service import CycleInput, PriorityInput, add_priority, create_cycle
from hub.stakeholders.service import PersonInput, add_person, add_role
from tests.conftest import PASSWORD, _empty_all_tables, test_settings
from tests.factories import initiative, organisation, stream

CONFIG = {
    "generation": {"max-examples": 10, "deterministic": True},
    # The coverage phase's boundary cases: only the invalid ones (wrong types, too long, unknown enum values,
    # missing fields...). Its valid ones would walk every region and advice code; the fuzzing phase sends valid data.
    "phases": {"coverage": {"generation": {"mode": "negative"}}},
    "checks": {
        # Valid-looking requests may still break a registry rule the schema cannot express (a name already taken,
        # an end date before the start date, a parent that does not exist): those are 422, like every refusal.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]},
    },
}


@pytest.fixture(scope="module")
def fuzzed(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """One app per database for all operations (the fuzzer's own writes pile up, as they would in use), with a
    small registry to find and an administrator's write token. The data is made in an app context of its own,
    so every fuzzed request runs in a fresh one, as in production."""
    app = create_app(test_settings(database_url, tmp_path_factory.mktemp("fuzz")))
    with app.app_context():
        session = get_session()
        admin = create_user(session, email="admin@hub.test", name="Admin", password=PASSWORD, role=Role.ADMIN)
        target = initiative(session, "TECH.LAND", regions=["NL213"], advice_codes=["2c"])
        stream(session, target, end=date(2027, 6, 30))
        org = organisation(session, "Saxion Hogeschool", type_="education")
        add_person(session, org, PersonInput(name="Anna Jansen", email="anna@saxion.example"), actor_id=None)
        add_role(session, target, org, "partner", actor_id=None)
        cycle = create_cycle(session, CycleInput(year=2026, title_nl="Lobby 2026"), actor_id=None)
        add_priority(session, cycle, PriorityInput(owner_id=org.id, target_level="rijk", title_nl="Grenseffecten",
                                                   advice_codes=["2e"]), actor_id=None)
        subscribe_user(session, admin, SubscriptionInput(scope_kind="all"), actor_id=None)
        secret = create_token(session, admin, name="fuzzer", scope="write", actor_id=admin.id).secret
        session.commit()
    yield app, secret
    app.extensions["hub.engine"].dispose()
    _empty_all_tables(database_url)


def _document() -> dict[str, Any]:
    """The document as the app serves it. It depends on no data, so an app without a database can give it
    at collection time; each test then sends its cases to the test app of its own database."""
    app = create_app({"SECRET_KEY": "collect", "DATABASE_URL": "sqlite://", "INSTANCE_PATH": tempfile.mkdtemp()})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        return document()


schema = schemathesis.openapi.from_dict(_document(), config=SchemathesisConfig.from_dict(CONFIG))


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case: Any, fuzzed: tuple[Flask, str]) -> None:
    app, secret = fuzzed
    # This database's app, for the case and for the checks that send extra requests (e.g. without the token).
    case.operation.app = case.operation.schema.app = app
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})
