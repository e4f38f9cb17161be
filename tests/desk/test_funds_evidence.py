"""An entry of the funds ledger with an evidence file (a bank voucher) is verified; without one it is
未核实. The acceptance case: 3000万 (2025, with a bank voucher) + 2000万 (2026)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from desk import services
from desk.models import EvidenceKind
from projects.funds import funds_entries, funds_in_place, funds_summary
from projects.models import Project
from tests.desk.conftest import pdf
from tests.factories import FundsEntryFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_funds_in_place_is_the_sum_and_the_year_figure_counts_that_year(project, officer):
    Project.objects.filter(pk=project.pk).update(total_investment=Decimal("10000"))
    voucher_paid = FundsEntryFactory(project=project, received_on=datetime.date(2025, 11, 3), amount=Decimal("3000"),
                                     source="企业自有资金")
    FundsEntryFactory(project=project, received_on=datetime.date(2026, 1, 20), amount=Decimal("2000"))
    services.evidence_attach(project=project, upload=pdf("转账凭证.pdf"), title="银行转账凭证", user=officer,
                             kind=EvidenceKind.BANK_VOUCHER, funds_entry=voucher_paid)
    projects = Project.objects.filter(pk=project.pk)
    assert Project.objects.get(pk=project.pk).funds_in_place == Decimal("5000")
    assert funds_in_place(projects=projects) == Decimal("5000")
    assert funds_in_place(projects=projects, year=2026) == Decimal("2000")
    assert funds_in_place(projects=projects, verified=True) == Decimal("3000")
    assert funds_in_place(projects=projects, verified=False) == Decimal("2000")
    assert funds_in_place(projects=projects, year=2025, verified=True) == Decimal("3000")
    summary = funds_summary(projects=projects)
    assert (summary.total, summary.verified, summary.unverified, summary.undated) == (
        Decimal("5000"), Decimal("3000"), Decimal("2000"), Decimal("0"))
    assert [e.is_verified for e in funds_entries(projects=projects).order_by("received_on")] == [True, False]


def test_evidence_belongs_to_an_entry_of_the_same_project(project, officer):
    other = FundsEntryFactory(project=ProjectFactory())
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_attach(project=project, upload=pdf(), title="凭证", user=officer, funds_entry=other)
    assert "该到位资金记录不属于此项目" in excinfo.value.message_dict["funds_entry"][0]


def test_an_entry_with_evidence_is_not_deleted_until_the_evidence_is_moved(project, officer, reviewer, client):
    entry = FundsEntryFactory(project=project, amount=Decimal("100"))
    services.evidence_attach(project=project, upload=pdf(), title="凭证", user=officer, funds_entry=entry)
    client.force_login(reviewer)
    url = reverse("admin:projects_fundsentry_delete", args=[entry.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200  # the confirmation page, listing what still uses the entry
    assert "佐证材料" in response.content.decode()
    assert Project.objects.get(pk=project.pk).funds_in_place == Decimal("100")
