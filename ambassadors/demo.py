"""The ambassadors' part of ``generate_demo``: demo cohorts, ambassadors and their leads.

Named in ``QINGSHAN_DEMO_GENERATORS``; the command runs it after the projects' part with the same
random generator, so the output stays a function of ``--projects`` and ``--seed`` alone.
"""

import datetime
from typing import Any

from django.db.models import QuerySet

from projects.management.commands.generate_demo import (
    ANCHOR,
    MARK,
    SLUG_PREFIX,
    Command,
    EnterpriseRef,
    _day,
    _weighted,
)
from projects.models import ReviewStatus

from .models import Ambassador, AmbassadorStatus, Cohort, Lead, LeadStatus

LEAD_WEIGHTS = [(LeadStatus.INTRODUCED, 30), (LeadStatus.CONTACTED, 25), (LeadStatus.SITE_VISIT, 15),
                (LeadStatus.INTENTION, 10), (LeadStatus.SIGNED, 12), (LeadStatus.DROPPED, 8)]


def demo_cohorts(command: Command) -> list[dict]:
    rows = [
        {
            "name": f"{MARK}{year}年招商大使", "slug": f"{SLUG_PREFIX}cohort-{year}", "year": year,
            "appointed_on": datetime.date(year, 2, 15), "announced_size": command.rng.randint(8, 20),
            "is_published": True, "published_at": command.now, "review_status": ReviewStatus.APPROVED,
        }
        for year in range(2021, 2026)
    ]
    command.insert(Cohort, rows, "cohorts")
    return rows

def demo_ambassadors(command: Command, count: int, cohorts: list[dict], enterprises: list[EnterpriseRef]) -> list[dict]:
    rng = command.rng
    rows = []
    for i in range(count):
        cohort = rng.choice(cohorts)
        enterprise = rng.choice(enterprises)
        start = cohort["appointed_on"]
        published = rng.random() < 0.9
        rows.append({
            "name": f"{MARK}大使{i + 1:04d}", "slug": f"{SLUG_PREFIX}ambassador-{i + 1:04d}",
            "title": rng.choice(["董事长", "总经理", "副总经理", "党委副书记"]),
            "organisation": enterprise.name, "enterprise_id": enterprise.id, "cohort_id": cohort["id"],
            "term_start": start, "term_end": start.replace(year=start.year + 3),
            "status": AmbassadorStatus.ACTIVE if start.year >= 2023 else AmbassadorStatus.ENDED,
            "bio": f"{MARK}合成人物，不对应任何真实个人。",
            "is_published": published, "published_at": command.now if published else None,
            "review_status": ReviewStatus.APPROVED,
        })
    command.insert(Ambassador, rows, "ambassadors")
    return rows


class AmbassadorDemo:
    @staticmethod
    def generate(command: Command, made: dict[str, Any]) -> dict[str, int]:
        rng = command.rng
        sectors, enterprises, n_projects = made["sectors"], made["enterprises"], made["projects"]
        signed = made["signed_project_ids"]  # every generated project but those still 在谈
        cohorts = demo_cohorts(command)
        ambassadors = demo_ambassadors(command, max(10, n_projects // 500), cohorts, enterprises)
        leads = []
        for i in range(max(20, n_projects // 20)):
            status = _weighted(rng, LEAD_WEIGHTS)
            project = rng.choice(signed) if status == LeadStatus.SIGNED and signed else None
            if status == LeadStatus.SIGNED and project is None:
                status = LeadStatus.INTENTION
            target = rng.choice(enterprises) if rng.random() < 0.4 else None
            leads.append({
                "ambassador_id": rng.choice(ambassadors)["id"],
                "target_name": f"{MARK}目标企业{i + 1:06d}",
                "target_enterprise_id": target.id if target else None,
                "sector_id": rng.choice(sectors).pk,
                "referred_on": _day(rng, datetime.date(2025, 2, 1), ANCHOR),
                "status": status,
                "project_id": project,
                "summary": f"{MARK}大使推荐的合作线索。",
                "is_published": rng.random() < 0.5,
            })
        command.insert(Lead, leads, "leads")
        return {"cohorts": len(cohorts), "ambassadors": len(ambassadors), "leads": len(leads)}

    @staticmethod
    def delete(*, demo_projects: QuerySet) -> None:
        """Demo leads, ambassadors and cohorts; real leads let go of demo projects."""
        Lead.objects.filter(ambassador__slug__startswith=SLUG_PREFIX).delete()
        Lead.objects.filter(project__in=demo_projects).update(project=None)
        Ambassador.objects.filter(slug__startswith=SLUG_PREFIX).delete()
        Cohort.objects.filter(slug__startswith=SLUG_PREFIX).delete()
