"""Templates live with the app they belong to, and no app overrides another app's templates.

An app's admin templates sit under ``<app>/templates/admin/<app>/`` (an app contributes to another's
change page through a declared extension point, ``ledger.admin_tools``, never by shadowing its
``admin/<other>/…`` template), and no template name is provided by two places, whose winner would
depend on the order of INSTALLED_APPS. The site folder ``templates/`` holds only the overrides of
Django's and third-party templates (admin skin, history pages), the error pages and the API pages.
"""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def template_names(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_the_reader_sees_the_templates():
    assert "admin/ledger/import.html" in template_names(ROOT / "ledger" / "templates")
    assert "projects/project_list.html" in template_names(ROOT / "portal" / "templates")


def test_an_app_keeps_admin_templates_under_its_own_label_only():
    offending = []
    for app in APPS:
        admin = ROOT / app / "templates" / "admin"
        if admin.is_dir():
            offending += [f"{app}: admin/{folder.name}/" for folder in admin.iterdir()
                          if folder.is_dir() and folder.name in APPS and folder.name != app]
    assert not offending, offending


def test_no_template_name_is_provided_twice():
    seen: dict[str, str] = dict.fromkeys(template_names(ROOT / "templates"), "templates/")
    twice = []
    for app in APPS:
        for name in template_names(ROOT / app / "templates") if (ROOT / app / "templates").is_dir() else ():
            if name in seen:
                twice.append(f"{name}: {seen[name]} and {app}/templates/")
            seen.setdefault(name, f"{app}/templates/")
    assert not twice, twice


def test_projects_admin_templates_are_in_one_folder():
    folders = {str(path.parent.relative_to(ROOT)) for path in ROOT.glob("**/templates/admin/projects/**/*")
               if path.is_file() and ".venv" not in path.parts}
    assert folders == {"projects/templates/admin/projects"}, folders
