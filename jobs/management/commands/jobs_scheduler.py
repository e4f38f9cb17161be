"""Queue the periodic jobs when they are due (``jobs.schedule``); runs beside ``db_worker``."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.translation import gettext as _

from jobs.schedule import periodic_entries, schedule_tick


class Command(BaseCommand):
    help = "Queue periodic jobs (督办 escalation, reminders, the digest…) when due; the worker runs them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit (for a systemd timer).")
        parser.add_argument("--interval", type=float, default=30, help="Seconds between checks (default 30).")

    def handle(self, *args, once: bool = False, interval: float = 30, **options):
        for entry in periodic_entries():
            day = _("每天") if entry.weekday is None else _("每周%(day)s") % {"day": "一二三四五六日"[entry.weekday]}
            self.stdout.write(_("%(kind)s：%(day)s %(at)s") % {"kind": entry.kind, "day": day,
                                                               "at": entry.at.strftime("%H:%M")})
        while True:
            close_old_connections()
            for job in schedule_tick():
                self.stdout.write(_("已排队 %(kind)s（任务 #%(id)d）") % {"kind": job.kind, "id": job.pk})
            if once:
                return
            time.sleep(interval)
