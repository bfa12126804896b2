from tests.conftest import HubClient, Users


def test_manager_creates_initiative(client: HubClient, users: Users) -> None:
    client.login(users.manager.email)
    response = client.submit("/initiatives/new", {"kind": "partnership", "name_nl": "TECH.LAND", "status": "active",
                                                  "regions": "NL213", "advice_codes": ["2c"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "TECH.LAND" in page
