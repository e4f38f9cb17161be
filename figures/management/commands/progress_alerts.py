"""The weekly progress-alert list per officer (每周进度预警清单).

Prints the red and yellow projects grouped by officer; with ``--mail`` (or whenever
``DJANGO_EMAIL_HOST`` is configured) also mails each officer who has an e-mail address their own list.
"""

from itertools import groupby

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from figures import alerts
from figures.jobs import PROGRESS_ALERTS_KIND
from jobs.commands import BackgroundCommand
from ledger.people import display_name
from projects.progress import AlertColour, thresholds


class Command(BackgroundCommand):
    help = "Print (or mail) the weekly list of red and yellow projects, per officer."
    job_kind, job_title = PROGRESS_ALERTS_KIND, gettext_lazy("进度预警清单")
    background_help = "Queue it as a job (the worker runs it; the file is on the 任务 page)."

    def add_arguments(self, parser):
        parser.add_argument("--mail", action="store_true", help="Mail each officer their list.")
        parser.add_argument("--no-mail", action="store_true", help="Only print, even if e-mail is configured.")
        super().add_arguments(parser)

    def job_params(self, options):
        return {"mail": options.get("mail", False) and not options.get("no_mail", False)}

    def run(self, *args, mail: bool = False, no_mail: bool = False, **options):
        now = timezone.now()
        should_mail = (mail or bool(getattr(settings, "EMAIL_HOST_CONFIGURED", False))) and not no_mail
        limits = thresholds()
        projects = list(alerts.alerted_projects(now=now))
        self.stdout.write(
            _("进度预警清单（%(date)s）：黄色 ≥ %(yellow)d 天、红色 ≥ %(red)d 天无进展，共 %(count)d 个项目。")
            % {"date": timezone.localdate(now).isoformat(), "yellow": limits.yellow_days, "red": limits.red_days,
               "count": len(projects)}
        )
        mailed = 0
        for officer, group in groupby(projects, key=lambda p: p.officer):
            lines = [self.line(project, now=now) for project in group]
            heading = _("招商专员：%(name)s") % {"name": self.officer_name(officer)}
            self.stdout.write("")
            self.stdout.write(heading)
            for line in lines:
                self.stdout.write("  " + line)
            if should_mail and officer is not None and officer.email:
                send_mail(
                    subject=_("【进度预警】您负责的 %(count)d 个项目需要更新") % {"count": len(lines)},
                    message="\n".join([heading, *lines]),
                    from_email=None,
                    recipient_list=[officer.email],
                )
                mailed += 1
        if should_mail:
            self.stdout.write("")
            self.stdout.write(_("已发送 %(count)d 封邮件。") % {"count": mailed})

    @staticmethod
    def officer_name(officer) -> str:
        if officer is None:
            return _("（未指派）")
        return display_name(officer)

    @staticmethod
    def line(project, *, now) -> str:
        colour = _("红") if project.alert_colour == AlertColour.RED else _("黄")
        return _("[%(colour)s] %(code)s %(name)s · %(stage)s · %(days)d 天无进展 · 责任单位：%(unit)s") % {
            "colour": colour,
            "code": project.code or "—",
            "name": project.name,
            "stage": project.get_stage_display(),
            "days": alerts.days_silent(project, now=now),
            "unit": project.responsible_unit or "—",
        }
