"""投资意向 (express interest): the service that records a visitor's submission, and its abuse guards.

- ``interest_submit``: validate and save one submission (every field with a Chinese message, the
  database constraints as a second line), assign it to the responsible officer (the named
  project's 招商专员), and e-mail that officer when e-mail is configured.
- ``interest_rate_limited``: at most ``INTEREST_RATE_LIMIT`` submissions per client address per
  ``INTEREST_RATE_WINDOW_SECONDS`` (a counter in Django's cache; every app server must share the
  cache, CACHE_URL, for the limit to hold across them).

The submission is back-office only (``projects.models.interest``); nothing here publishes or
changes public data, so the public page cache is not touched.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ledger.writes import record_save

from .models import InvestmentInterest, Project, RenewalZone

logger = logging.getLogger("qingshan.interest")


def _rate_key(address: str) -> str:
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]  # the address itself is not kept
    return f"interest-rate:{digest}"


def interest_rate_limited(*, address: str) -> bool:
    """Count one submission from ``address``; True when it is over the limit for the current window."""
    key = _rate_key(address)
    try:
        cache.add(key, 0, timeout=settings.INTEREST_RATE_WINDOW_SECONDS)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=settings.INTEREST_RATE_WINDOW_SECONDS)
        count = 1
    except Exception:  # a cache outage must not take the form down
        logger.exception("Rate-limit cache unavailable")
        return False
    return count > settings.INTEREST_RATE_LIMIT


def _notify(interest: InvestmentInterest) -> None:
    officer = interest.officer
    if not settings.EMAIL_HOST_CONFIGURED or officer is None or not officer.email:
        return
    url = reverse("admin:projects_investmentinterest_change", args=[interest.pk])
    try:
        send_mail(
            subject=_("新的投资意向：%(organisation)s") % {"organisation": interest.organisation},
            message=_("%(organisation)s（%(contact)s）对“%(target)s”表达了投资意向。请在后台查看并跟进：%(url)s")
            % {"organisation": interest.organisation, "contact": interest.contact_name,
               "target": interest.target or _("青山区投资"), "url": url},
            from_email=None, recipient_list=[officer.email], fail_silently=False,
        )
    except Exception:  # the submission is saved; a mail failure is logged, not shown to the visitor
        logger.exception("Could not e-mail the officer about investment interest %s", interest.pk)


def interest_submit(
    *,
    organisation: str,
    contact_name: str,
    phone: str = "",
    email: str = "",
    message: str,
    consent: bool,
    project: Project | None = None,
    zone: RenewalZone | None = None,
    language: str = "",
) -> InvestmentInterest:
    """Record one expression of interest; raises ``ValidationError`` (Chinese messages) when invalid.

    ``project``/``zone`` must be published (the form offers only those); the project's officer
    becomes the responsible officer.
    """
    interest = InvestmentInterest(
        organisation=organisation.strip(), contact_name=contact_name.strip(), phone=phone.strip(),
        email=email.strip(), message=message.strip(), consent=consent, project=project, zone=zone,
        language=language[:8], officer=project.officer if project is not None else None,
    )
    # Through the write door (a system write: the visitor is no user); the related records come attached
    # (published ones, from the form), so they are not looked up again.
    record_save(record=interest)  # atomic; the e-mail goes once the record is committed
    transaction.on_commit(lambda: _notify(interest))
    return interest


def interest_update(*, interest: InvestmentInterest, user: AbstractBaseUser | None = None) -> InvestmentInterest:
    """Save the back office's follow-up of a submission (status, officer, notes); the visitor's fields are read-only."""
    return record_save(record=interest, user=user)
