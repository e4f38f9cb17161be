"""Two entries of the same project written at the same moment cannot together pass its total
investment: the door locks the project's row, so the second waits, sees the first and is refused with
the Chinese message (without the lock it would reach the database's CHECK: an IntegrityError, a 500)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from projects.funds import funds_entry_save
from projects.models import FundsEntry, Project
from tests.factories import ProjectFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks are PostgreSQL's; SQLite runs one writer at a time by itself"),
]


def entry(project: Project, amount: str) -> FundsEntry:
    return FundsEntry(project_id=project.pk, received_on=datetime.date(2026, 3, 1), amount=Decimal(amount))


def test_two_entries_at_once_the_second_is_refused_after_the_first_commits():
    project = ProjectFactory(total_investment=Decimal("5000"))
    first_written, outcome = threading.Event(), {}

    def first() -> None:
        try:
            with transaction.atomic():
                funds_entry_save(entry=entry(project, "3000"), user=None)
                first_written.set()
                second_thread.join(timeout=1.5)  # the second is waiting on the lock meanwhile
                outcome["second_waited"] = second_thread.is_alive()
        finally:
            connection.close()

    def second() -> None:
        first_written.wait(timeout=10)
        try:
            funds_entry_save(entry=entry(project, "2500"), user=None)
            outcome["second"] = "saved"
        except ValidationError as exc:
            outcome["second"] = exc.message_dict["amount"][0]
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong instead
            outcome["second"] = repr(exc)
        finally:
            connection.close()

    second_thread = threading.Thread(target=second)
    first_thread = threading.Thread(target=first)
    first_thread.start()
    second_thread.start()
    first_thread.join(timeout=20)
    second_thread.join(timeout=20)
    assert outcome["second_waited"] is True
    assert "登记后到位资金合计为 5500.00 万元，超过项目总投资 5000.00 万元" in outcome["second"]
    assert list(FundsEntry.objects.values_list("amount", flat=True)) == [Decimal("3000.00")]
    assert Project.objects.get(pk=project.pk).funds_in_place == Decimal("3000.00")
