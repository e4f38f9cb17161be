"""One recorded run of long work: who started what, when, how far it got, its file or its error."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def job_storage():
    """The named store for job files (``STORAGES["jobs"]``): private, never under MEDIA_URL."""
    return storages["jobs"]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobQuerySet(models.QuerySet):
    def started_by(self, user) -> "JobQuerySet":
        return self.filter(started_by=user)

    def unfinished(self) -> "JobQuerySet":
        return self.exclude(status__in=FINISHED_STATUSES)


class Job(models.Model):
    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="jobs",
    )
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    input_file = models.FileField(_("输入文件"), storage=job_storage, upload_to="input/%Y/%m/", blank=True)
    result_file = models.FileField(_("结果文件"), storage=job_storage, upload_to="result/%Y/%m/", blank=True)
    result_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    result = models.JSONField(_("结果摘要"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("最多尝试次数"), default=2)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    task_id = models.CharField(_("任务队列编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件过期时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["started_by", "-created_at"], name="job_owner_recent_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100"),
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="job_status_known"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def file_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def downloadable(self) -> bool:
        return self.status == JobStatus.SUCCEEDED and bool(self.result_file) and not self.file_expired


class ScheduledRun(models.Model):
    """One slot of a periodic job that was queued (``jobs.schedule``): the database refuses a second
    row for the same kind and slot, so two schedulers (or one restarted) never queue it twice."""

    kind = models.CharField(_("类型"), max_length=64)
    slot = models.DateTimeField(_("计划时间"))
    job = models.ForeignKey(Job, verbose_name=_("任务"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    created_at = models.DateTimeField(_("排队时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        ordering = ["-slot", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "slot"], name="scheduled_run_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.slot:%Y-%m-%d %H:%M}"
