import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PASSWORD_FILE = settings.VAR_DIR / "local-admin-password.txt"


class Command(BaseCommand):
    help = "Create a local superuser 'admin' if there is no superuser yet, and say how to log in (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url", default="http://127.0.0.1:8000/",
            help="The address the site is served at (make run passes its HOST and PORT).",
        )

    def handle(self, *args, site_url: str, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin is for local development only (DJANGO_DEBUG is off).")
        site_url = site_url.rstrip("/") + "/"
        users = get_user_model().objects
        if not users.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            users.create_superuser(username="admin", email="admin@localhost", password=password)
            PASSWORD_FILE.write_text(password + "\n", encoding="utf-8")
            self.stdout.write(self.style.SUCCESS("Created the local superuser 'admin'."))
        self.stdout.write(f"Site:  {site_url}")
        if PASSWORD_FILE.exists():
            self.stdout.write(
                f"Admin: {site_url}admin/  user: admin  password: {PASSWORD_FILE.read_text().strip()}"
                f"  (kept in {PASSWORD_FILE.relative_to(settings.BASE_DIR)})"
            )
        else:
            self.stdout.write(f"Admin: {site_url}admin/ (log in with your existing superuser)")
