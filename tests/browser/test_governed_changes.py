"""Governed changes (issue 14) in a real headless Chromium: an officer's edit of a published project
waits for review while the public page and the API stay as they were; the reviewer passes the TOTP
step, sees the diff and approves, and the public page changes; publishing a project whose investor
is a draft is refused with the list; a staff preview of a draft (404 for the public); an
administrator cannot make itself a superuser."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from accounts.roles import Role
from ledger.revisions import pending_revisions
from projects.models import Project
from projects.services import project_save
from projects.stages import Stage
from tests.browser.signin import authenticator, sign_in
from tests.browser.test_public_site import CHROMIUM, open_page, shoot
from tests.factories import EnterpriseFactory, ProjectFactory, StaffUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]

PASSWORD = "correct horse battery staple 14"


def staff(username: str, role: str):
    return StaffUserFactory(username=username, password=make_password(PASSWORD), roles=[role])


def test_an_officers_edit_waits_for_the_reviewer_who_approves_it(transactional_db, live_server, browser):
    project = ProjectFactory(name="测试审核修订项目", summary="已发布的摘要", total_investment=Decimal("50000"))
    staff("officer", Role.OFFICER)
    reviewer = staff("reviewer", Role.REVIEWER)
    device = authenticator(reviewer)
    public_url = live_server.url + project.get_absolute_url()

    context, page, problems = open_page(browser, 1280)
    sign_in(page, live_server, username="officer", password=PASSWORD)
    page.goto(live_server.url + f"/admin/projects/project/{project.pk}/change/")
    page.fill("#id_summary", "待审核的新摘要")
    page.fill("#id_total_investment", "60000")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 0, page.inner_text("#content")
    assert "已保存为待审修订" in page.inner_text(".messagelist")
    context.close()

    visitor, public, _ = open_page(browser, 1280)
    body = public.goto(public_url) and public.content()
    assert "已发布的摘要" in body and "待审核的新摘要" not in body and "6 亿元" not in body
    api = public.request.get(live_server.url + f"/api/v1/projects/{project.slug}/").json()
    assert api["summary"] == "已发布的摘要"

    context, page, problems = open_page(browser, 1280)
    sign_in(page, live_server, username="reviewer", password=PASSWORD, device=device)  # the TOTP step
    page.goto(live_server.url + "/admin/projects/project/")
    assert "修订等待审核" in page.inner_text(".messagelist")
    page.goto(live_server.url + f"/admin/projects/project/{project.pk}/change/")
    diff = page.inner_text(".qs-revision-diff")
    assert "已发布的摘要" in diff and "待审核的新摘要" in diff and "60000.00" in diff
    shoot(page, "revision-diff")
    page.click("button[name=approve]")
    page.wait_for_load_state()
    assert page.locator(".messagelist").count(), page.url + page.inner_text("body")[:1500]
    assert "已通过修订" in page.inner_text(".messagelist")
    assert problems == []
    context.close()

    body = public.goto(public_url) and public.content()
    assert "待审核的新摘要" in body and "6 亿元" in body
    visitor.close()
    assert not pending_revisions(project).exists()


def test_publishing_with_a_draft_investor_is_refused_with_the_list(transactional_db, live_server, browser):
    investor = EnterpriseFactory(name="测试草稿投资方", is_published=False)
    project = project_save(project=Project(name="测试待发布项目", stage=Stage.SIGNED,
                                           signed_on=datetime.date(2026, 2, 10), is_published=False),
                           investors=[investor])
    reviewer = staff("reviewer", Role.REVIEWER)
    context, page, problems = open_page(browser, 1280)
    sign_in(page, live_server, username="reviewer", password=PASSWORD, device=authenticator(reviewer))
    page.goto(live_server.url + "/admin/projects/project/")
    page.check(f"input[name=_selected_action][value='{project.pk}']")
    page.select_option("select[name=action]", "publish_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".qs-publish-together")
    listing = page.inner_text(".qs-publish-together")
    assert "须先发布" in listing and "测试草稿投资方" in listing
    shoot(page, "publish-together")
    page.click("a.closelink")  # the reviewer cancels
    page.wait_for_url("**/admin/projects/project/")
    assert not Project.objects.get(pk=project.pk).is_published
    assert problems == []
    context.close()


def test_staff_preview_a_draft_and_the_public_gets_404(transactional_db, live_server, browser):
    draft = ProjectFactory(name="测试草稿预览项目", is_published=False)
    staff("officer", Role.OFFICER)
    context, page, problems = open_page(browser, 1280)
    sign_in(page, live_server, username="officer", password=PASSWORD)
    page.goto(live_server.url + f"/admin/projects/project/{draft.pk}/change/")
    page.click("a.viewsitelink")
    page.wait_for_url("**/preview/projects/project/**")
    assert "预览" in page.inner_text(".preview-banner")
    assert "测试草稿预览项目" in page.inner_text("main")
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex, nofollow"
    preview_url = page.url
    assert problems == []
    context.close()
    visitor, public, _ = open_page(browser, 1280)
    assert public.goto(preview_url).status == 404
    assert public.goto(live_server.url + draft.get_absolute_url()).status == 404
    visitor.close()


def test_an_administrator_cannot_make_itself_superuser(transactional_db, live_server, browser):
    administrator = staff("administrator", Role.ADMINISTRATOR)
    context, page, problems = open_page(browser, 1280)
    sign_in(page, live_server, username="administrator", password=PASSWORD, device=authenticator(administrator))
    page.goto(live_server.url + f"/admin/auth/user/{administrator.pk}/change/")
    assert page.locator("input[name=is_superuser]").count() == 0
    assert page.locator("select[name=groups], input[name=groups]").count() == 0
    # A crafted POST from the signed-in browser, with the page's own CSRF token.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    response = page.request.post(
        live_server.url + f"/admin/auth/user/{administrator.pk}/change/",
        form={"csrfmiddlewaretoken": token, "username": "administrator", "is_superuser": "on", "is_staff": "on",
              "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"},
        headers={"Referer": page.url},
    )
    assert response.status != 403  # the form was accepted for processing: the refusal is in what it did not change
    administrator = get_user_model().objects.get(pk=administrator.pk)
    assert not administrator.is_superuser
    assert list(administrator.groups.values_list("name", flat=True)) == [str(Role.ADMINISTRATOR)]
    assert problems == []
    context.close()
