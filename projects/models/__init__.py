from ledger.models import DatePrecision, PublishableModel, ReviewStatus, TimeStampedModel, format_date

from .duplicates import DuplicateFlag, DuplicateStatus
from .enterprises import Enterprise, EnterpriseKind, Honour
from .events import SigningEvent
from .funds import FundsEntry, FundsEntryKind
from .interest import InterestStatus, InvestmentInterest
from .land import ProjectYearFigures
from .places import BuildStatus, DevelopmentModel, InstituteKind, RenewalZone, ResearchInstitute, ZoneKind
from .projects import Project, ProjectExportCells, ProjectMilestone
from .sectors import Sector, SectorTier

__all__ = [
    "BuildStatus",
    "DatePrecision",
    "DevelopmentModel",
    "DuplicateFlag",
    "DuplicateStatus",
    "Enterprise",
    "EnterpriseKind",
    "FundsEntry",
    "FundsEntryKind",
    "Honour",
    "InstituteKind",
    "InterestStatus",
    "InvestmentInterest",
    "Project",
    "ProjectExportCells",
    "ProjectMilestone",
    "ProjectYearFigures",
    "PublishableModel",
    "RenewalZone",
    "ResearchInstitute",
    "ReviewStatus",
    "Sector",
    "SectorTier",
    "SigningEvent",
    "TimeStampedModel",
    "ZoneKind",
    "format_date",
]
