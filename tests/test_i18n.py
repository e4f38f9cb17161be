"""The public site speaks Chinese first."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template
from django.utils import translation

from ambassadors.models import LeadStatus
from tests.factories import AmbassadorFactory, CohortFactory, LeadFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_first_whatever_the_browser_asks(client, settings):
    """An English browser still lands on Chinese pages; the language switch's cookie chooses English."""
    response = client.get("/projects/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "zh-hans"
    assert "招商项目" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The switch's cookie (links from before English had its own URLs) leads to the English address.
    response = client.get("/projects/?q=x", headers={"Accept-Language": "zh-CN"})
    assert (response.status_code, response["Location"]) == (302, "/en/projects/?q=x")
    assert "Cookie" in response["Vary"]
    response = client.get("/en/projects/", headers={"Accept-Language": "zh-CN"})
    assert response["Content-Language"] == "en"


EN_PO = Path(django_settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def po_entries(path: Path) -> list[dict]:
    """A small .po reader (no gettext tools needed): each live entry's flags, msgid and msgstr(s)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        if not lines:
            continue
        entry: dict = {"flags": set(), "msgstr": []}
        field = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            keyword, _space, rest = line.partition(" ")
            if line.startswith('"'):
                rest = line
            else:
                field = keyword
                if field.startswith("msgstr"):
                    entry["msgstr"].append("")
            text = ast.literal_eval(rest)
            if field.startswith("msgstr"):
                entry["msgstr"][-1] += text
            else:
                entry[field] = entry.get(field, "") + text
        if "msgid" in entry:
            entries.append(entry)
    return entries


def test_english_catalogue_is_complete():
    """Every message has a checked English translation: none empty, none fuzzy (gettext ignores fuzzy ones)."""
    entries = [entry for entry in po_entries(EN_PO) if entry["msgid"]]  # the header has an empty msgid
    assert len(entries) > 500
    untranslated = [entry["msgid"] for entry in entries if not all(entry["msgstr"])]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_ambassador_results_read_in_english(client):
    """The public results section on an ambassador's page follows the language switch."""
    cohort = CohortFactory(name="2025年批次", year=2025)
    ambassador = AmbassadorFactory(name="甲大使", cohort=cohort)
    project = ProjectFactory(name="大项目", total_investment=Decimal("20000"))
    LeadFactory(ambassador=ambassador, target_name="甲1", status=LeadStatus.SIGNED, project=project)
    page = client.get(ambassador.get_absolute_url()).content.decode()
    assert "促成签约项目" in page and "仅统计已公开的线索和已发布的项目。" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(ambassador.get_absolute_url(), follow=True).content.decode()
    assert "Investment results" in page
    assert "Projects brought to signing" in page
    assert "Counts only public leads and published projects." in page
    for chinese in ("招商成效", "推荐线索", "促成签约项目", "仅统计已公开的线索"):
        assert chinese not in page
    with translation.override("en"):
        rendered = Template("{% load ambassador_results %}{% cohort_results %}").render(Context({}))
    assert "Investment results by cohort" in rendered and "Cohort" in rendered and "各批次招商成效" not in rendered
