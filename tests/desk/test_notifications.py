"""Notifications: returned and published records, the bell, mail per notice, the digest, mail off."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from desk import services
from desk.models import EmailMode, Notification, NotificationKind
from ledger.workflow import publish, return_for_changes, submit_for_review
from tests.factories import EnterpriseFactory, LeadFactory, ProjectFactory, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def submitted_project(officer):
    project = ProjectFactory(name="待审项目", officer=officer, is_published=False)
    submit_for_review(record=project, user=officer)
    return project


def test_a_returned_record_notifies_its_officer_in_the_bell_and_by_mail(officer, reviewer):
    project = submitted_project(officer)
    return_for_changes(record=project, user=reviewer, reason="缺少投资方证照")
    notice = Notification.objects.get(recipient=officer)
    assert notice.kind == NotificationKind.RETURNED
    assert "待审项目" in notice.message and "缺少投资方证照" in notice.message
    assert notice.url == reverse("admin:projects_project_change", args=[project.pk])
    assert [m.to for m in mail.outbox] == [["wang@example.com"]]
    assert "缺少投资方证照" in mail.outbox[0].body


def test_a_published_record_notifies_its_officer(officer, reviewer):
    project = submitted_project(officer)
    publish(record=project, user=reviewer)
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [("officer-wang", "published")]


def test_a_record_without_an_officer_field_notifies_whoever_submitted_it(reviewer):
    submitter = StaffUserFactory(username="submitter", roles=[Role.OFFICER])
    enterprise = EnterpriseFactory(name="待审企业", is_published=False)
    submit_for_review(record=enterprise, user=submitter)
    return_for_changes(record=enterprise, user=reviewer, reason="请补充信用代码")
    notice = Notification.objects.get()
    assert notice.recipient == submitter and "待审企业" in notice.message
    # A project with no 招商专员 tells nobody (and costs no query: tests/ledger/test_write_queries.py).
    project = ProjectFactory(name="无专员项目", is_published=False)
    submit_for_review(record=project, user=submitter)
    return_for_changes(record=project, user=reviewer, reason="请补充")
    assert Notification.objects.count() == 1


def test_mail_off_and_digest_preferences(officer, reviewer):
    services.preference_set(user=officer, email_mode=EmailMode.OFF)
    return_for_changes(record=submitted_project(officer), user=reviewer, reason="一")
    assert Notification.objects.filter(recipient=officer).count() == 1 and mail.outbox == []

    services.preference_set(user=officer, email_mode=EmailMode.DIGEST)
    project = ProjectFactory(name="第二个", officer=officer, is_published=False)
    submit_for_review(record=project, user=officer)
    return_for_changes(record=project, user=reviewer, reason="二")
    assert mail.outbox == []
    call_command("desk_digest")
    assert len(mail.outbox) == 1
    assert "今日通知汇总（2 条）" in mail.outbox[0].subject and "第二个" in mail.outbox[0].body
    call_command("desk_digest")
    assert len(mail.outbox) == 1  # each notice mailed once


def test_the_bell_counts_only_my_unread_notices_and_read_all_clears_it(client, officer, reviewer):
    services.notification_send(recipient=officer, kind=NotificationKind.ASSIGNED, message="给王的通知")
    services.notification_send(recipient=reviewer, kind=NotificationKind.ASSIGNED, message="给李的通知")
    client.force_login(officer)
    bell = client.get(reverse("admin:desk_notification_bell")).json()
    assert bell["unread"] == 1 and [item["message"] for item in bell["items"]] == ["给王的通知"]
    listing = client.get(reverse("admin:desk_notification_changelist")).content.decode()
    assert "给王的通知" in listing and "给李的通知" not in listing
    assert reverse("admin:desk_notification_preferences") in listing and "全部标为已读" in listing
    client.post(reverse("admin:desk_notification_read_all"))
    assert client.get(reverse("admin:desk_notification_bell")).json()["unread"] == 0


def test_the_bell_is_in_every_admin_header_without_inline_script(client, officer):
    client.force_login(officer)
    page = client.get(reverse("admin:projects_project_changelist")).content.decode()
    assert 'id="desk-bell"' in page and "desk/bell.js" in page
    assert "<script>" not in page and " style=" not in page


def test_each_person_sets_their_own_mail_preference(client, officer):
    client.force_login(officer)
    response = client.post(reverse("admin:desk_notification_preferences"), {"email_mode": "off"})
    assert response.status_code == 302
    assert officer.notification_preference.email_mode == "off"
    bad = client.post(reverse("admin:desk_notification_preferences"), {"email_mode": "sms"})
    assert bad.status_code == 200 and "sms" in bad.content.decode()


def test_a_relay_that_is_down_does_not_fail_the_return(officer, reviewer, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("relay down")

    monkeypatch.setattr("desk.services.send_mail", down)
    project = submitted_project(officer)
    return_for_changes(record=project, user=reviewer, reason="缺少附件")
    notice = Notification.objects.get(recipient=officer)
    assert notice.emailed_at is None  # kept for the bell; not marked mailed


def test_publishing_a_record_without_review_notifies_nobody_and_does_not_fail(reviewer):
    lead = LeadFactory(is_published=False)
    publish(record=lead, user=reviewer)
    lead.refresh_from_db()
    assert lead.is_published and not Notification.objects.exists()
