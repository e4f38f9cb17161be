"""Deploy drill: docs/deploy.md stood up on this machine, then used, with PASS or FAIL per step.

    python bench/deploy_drill.py            # as root, with PostgreSQL on 127.0.0.1:5432 and Redis on 6379

As the document says: a system user `qingshan`; the release (this checkout's HEAD, `git archive`)
in a root-owned app folder the service user can only read; docs/deploy/qingshan.env with its
placeholders filled, read the way systemd reads it (bench/deploy_env.py) and given to gunicorn and the
job worker as their whole environment; nginx with docs/deploy/nginx.conf and a self-signed
certificate. What differs, so that it runs beside everything else on one machine: everything lives
under DRILL_ROOT (default /srv/qingshan-drill, put for /srv/qingshan in every file), nginx and
gunicorn listen on loopback ports 18443/18080/18000, the database is `qingshan_drill`, Redis db 9,
processes are started directly as the service user instead of by systemd (no systemd here), and the
release's virtualenv is Debian's python3 with the running virtualenv's packages on its path (no network
for `pip install`).

Then: a background import (an admin import above JOBS_IMPORT_ROWS, previewed and committed as jobs),
an evidence upload, an admin export job, the health checks and headers, and a graceful reload (HUP)
during a long CSV export downloaded at a throttled rate. Everything is stopped and the database
dropped at the end (KEEP=1 keeps them).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.deploy_env import filled_environment_file, parse_environment_file  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "docs" / "deploy"
ROOT = Path(os.environ.get("DRILL_ROOT", "/srv/qingshan-drill"))
APP = ROOT / "app"
USER = "qingshan"
DB = "qingshan_drill"
DB_PASSWORD = secrets.token_urlsafe(16)
HTTPS, HTTP, UPSTREAM = 18443, 18080, 18000
BASE = f"https://localhost:{HTTPS}"
IMPORT_ROWS = 2001  # one above JOBS_IMPORT_ROWS (2000)
CERT = str(ROOT / "tls/fullchain.pem")  # the self-signed certificate, trusted by the drill
RECOVERY_CODE = "drill" + secrets.token_hex(4)
results: list[tuple[str, bool, str]] = []
processes: list[subprocess.Popen] = []


def step(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""), flush=True)
    return ok


def sh(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if check and result.returncode:
        raise RuntimeError(f"{' '.join(args)}: {result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result


def relocate(text: str) -> str:
    return text.replace("/srv/qingshan", str(ROOT)).replace("/etc/qingshan/env", str(ROOT / "etc/env"))


def service_env(env: dict[str, str]) -> dict[str, str]:
    # What systemd gives a unit: the file's variables, a PATH, the user's HOME; nothing from this shell.
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(ROOT), "LANG": "C.UTF-8", **env}


def as_service(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=APP, env=service_env(env), user=USER, group=USER, extra_groups=[],
                          capture_output=True, text=True, **kwargs)


def start_service(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("w")
    process = subprocess.Popen(args, cwd=APP, env=service_env(env), user=USER, group=USER, extra_groups=[],
                               stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    processes.append(process)
    return process


def wait_for(predicate, seconds: float, every: float = 0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


def setup() -> dict[str, str]:
    if sh("id", USER, check=False).returncode:
        sh("adduser", "--system", "--group", "--home", str(ROOT), USER)
    passwd = sh("getent", "passwd", USER).stdout.split(":")
    step("system user", int(passwd[2]) < 1000, f"{USER} uid {passwd[2]}, home {passwd[5]}")

    shutil.rmtree(APP, ignore_errors=True)
    APP.mkdir(parents=True)
    subprocess.run(f"git -C {REPO} archive HEAD | tar -x -C {APP}", shell=True, check=True)
    # The release's virtualenv: Debian's python3 (the service user may run it) with this checkout's
    # installed packages on its path, instead of `pip install .` from the network.
    sh("/usr/bin/python3", "-m", "venv", "--without-pip", str(APP / ".venv"))
    packages = next(Path(sys.prefix).glob("lib/python3*/site-packages"))
    next((APP / ".venv").glob("lib/python3*/site-packages")).joinpath("drill-packages.pth").write_text(f"{packages}\n")
    (APP / ".venv/bin/gunicorn").write_text("#!/bin/sh\nexec \"$(dirname \"$0\")/python\" -m gunicorn \"$@\"\n")
    (APP / ".venv/bin/gunicorn").chmod(0o755)
    sh("chown", "-R", "root:root", str(APP))
    sh("chmod", "-R", "go-w", str(APP))
    env = parse_environment_file(relocate(filled_environment_file({
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": BASE,
        "DATABASE_URL": f"postgres://{DB}:{DB_PASSWORD}@127.0.0.1:5432/{DB}",
        "CACHE_URL": "redis://127.0.0.1:6379/9",
        "GUNICORN_BIND": f"127.0.0.1:{UPSTREAM}",
        "GUNICORN_WORKERS": "2",
        # An admin XLSX export of the drill's 2,000 projects is then a job (the CSV stream stays direct).
        "JOBS_EXPORT_XLSX_ROWS": "1000",
    })))
    for name in ("JOBS_FILE_ROOT", "QS_EVIDENCE_ROOT", "QS_MEDIA_ROOT"):
        shutil.rmtree(env[name], ignore_errors=True)
        sh("install", "-d", "-o", USER, "-g", USER, "-m", "750", env[name])
    (ROOT / "etc").mkdir(exist_ok=True)
    env_file = ROOT / "etc/env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in env.items()))
    sh("chown", f"root:{USER}", str(env_file))
    env_file.chmod(0o640)
    step("environment file read as systemd reads it", "#" not in "".join(env.values())
         and parse_environment_file(env_file.read_text()) == env, f"{len(env)} variables, no trailing comment")

    code = as_service([".venv/bin/python", "-c", "import qingshan; print(qingshan.__file__)"], env)
    probe = as_service(["touch", str(APP / "written-by-the-service")], env)
    writable = all(as_service(["touch", f"{env[name]}/probe"], env).returncode == 0
                   for name in ("JOBS_FILE_ROOT", "QS_EVIDENCE_ROOT", "QS_MEDIA_ROOT"))
    step("app folder read-only for the service, its three stores writable",
         probe.returncode != 0 and writable and code.stdout.startswith(str(APP)),
         f"code from {code.stdout.strip()}; touch in app: {probe.stderr.strip()[-40:]}")

    sh("runuser", "-u", "postgres", "--", "dropdb", "--if-exists", DB)
    sh("runuser", "-u", "postgres", "--", "psql", "-q", "-c", f"DROP ROLE IF EXISTS {DB}")
    sh("runuser", "-u", "postgres", "--", "psql", "-q", "-c", f"CREATE ROLE {DB} LOGIN PASSWORD '{DB_PASSWORD}'")
    sh("runuser", "-u", "postgres", "--", "createdb", "--owner", DB, DB)
    static = subprocess.run([".venv/bin/python", "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=APP,
                            env=service_env(env), capture_output=True, text=True)
    brotli = list((APP / "staticfiles").rglob("*.css.br"))
    step("collectstatic (root, release time): hashed names with .gz and .br copies", static.returncode == 0
         and bool(brotli), f"{len(brotli)} .css.br files" if brotli else static.stderr[-300:])
    migrate = as_service([".venv/bin/python", "manage.py", "migrate", "--noinput", "-v", "0"], env)
    check = as_service([".venv/bin/python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    step("migrate and check --deploy as the service user", migrate.returncode == 0 and check.returncode == 0,
         (migrate.stderr + check.stderr)[-300:] or check.stdout.strip())
    seed = as_service([".venv/bin/python", "manage.py", "load_seed"], env)
    user = as_service([".venv/bin/python", "manage.py", "shell", "-c", (
        "from django.contrib.auth import get_user_model; from django_otp.plugins.otp_static.models import StaticDevice;"
        "u = get_user_model().objects.create_superuser('drill', 'drill@example.invalid', 'drill-Password-1');"
        "d = StaticDevice.objects.create(user=u, name='recovery', confirmed=True);"
        f"d.token_set.create(token='{RECOVERY_CODE}')")], env)
    ok = seed.returncode == 0 and user.returncode == 0
    step("load_seed and a superuser with a recovery code", ok, "" if ok else (seed.stderr + user.stderr)[-300:])
    return env


def start_stack(env: dict[str, str]) -> None:
    logs = ROOT / "logs"
    logs.mkdir(exist_ok=True)
    start_service([".venv/bin/gunicorn", "qingshan.wsgi"], env, logs / "gunicorn.log")
    start_service([".venv/bin/python", "manage.py", "db_worker", "--no-reload", "--worker-id", "drill-1"], env,
                  logs / "worker.log")
    tls = ROOT / "tls"
    tls.mkdir(exist_ok=True)
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
       "-addext", "subjectAltName=DNS:localhost", "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem"))
    site = relocate((DEPLOY / "nginx.conf").read_text())
    site = (site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{HTTPS} ssl http2;")
            .replace("listen 80;", f"listen 127.0.0.1:{HTTP};")
            .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{UPSTREAM};")
            .replace("invest.qingshan.gov.cn", "localhost")
            .replace("/etc/ssl/qingshan/", f"{tls}/"))
    nginx = ROOT / "nginx"
    shutil.rmtree(nginx, ignore_errors=True)
    (nginx / "temp").mkdir(parents=True)
    sh("chown", "www-data", str(nginx / "temp"))
    (nginx / "site.conf").write_text(site)
    (nginx / "nginx.conf").write_text(f"""user www-data;
worker_processes 1;
pid {nginx}/nginx.pid;
error_log {nginx}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {nginx}/access.log;
    client_body_temp_path {nginx}/temp/body;
    proxy_temp_path {nginx}/temp/proxy;
    include {nginx}/site.conf;
}}
""")
    test = sh("nginx", "-t", "-c", str(nginx / "nginx.conf"), check=False)
    started = sh("nginx", "-c", str(nginx / "nginx.conf"), check=False) if test.returncode == 0 else test
    up = wait_for(lambda: ready(), 60)
    step("gunicorn, the worker and nginx (TLS on loopback) started", started.returncode == 0 and bool(up),
         test.stderr.strip().splitlines()[-1] if test.stderr else "")


def ready() -> bool:
    try:
        return requests.get(f"{BASE}/readyz", verify=CERT, timeout=3).status_code == 200
    except requests.RequestException:
        return False


def checks() -> None:
    health = requests.get(f"{BASE}/healthz", verify=CERT, timeout=5)
    readyz = requests.get(f"{BASE}/readyz", verify=CERT, timeout=5)
    step("health checks through nginx", health.json().get("status") == "ok" and readyz.json().get("status") == "ok",
         f"/healthz {health.status_code}, /readyz {readyz.json()}")
    plain = requests.get(f"http://localhost:{HTTP}/projects/", allow_redirects=False, timeout=5)
    step("plain HTTP is redirected to HTTPS", plain.status_code == 301
         and plain.headers["Location"].startswith("https://"), plain.headers.get("Location", ""))
    page = requests.get(f"{BASE}/", verify=CERT, timeout=10)
    wanted = ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options", "Referrer-Policy",
              "Permissions-Policy", "X-Request-ID")
    missing = [name for name in wanted if name not in page.headers]
    step("security headers on /", page.status_code == 200 and not missing, f"missing {missing}" if missing else
         f"Permissions-Policy: {page.headers['Permissions-Policy'][:40]}…")
    css = re.search(r'href="(/static/[^"]+\.css)"', page.text)
    static = requests.get(BASE + css.group(1), verify=CERT, timeout=5, headers={"Accept-Encoding": "gzip"})
    cache_control = static.raw.headers.getlist("Cache-Control")
    step("static file: one Cache-Control, gzip", static.status_code == 200 and len(cache_control) == 1
         and static.headers.get("Content-Encoding") == "gzip", f"{cache_control}, {static.headers.get('Content-Encoding')}")
    log = ROOT / "logs/gunicorn.log"
    before = log.read_text()
    head = requests.head(f"{BASE}/", verify=CERT, timeout=10)
    time.sleep(1)
    new = log.read_text()[len(before):]
    not_json = [line for line in log.read_text().splitlines() if line and not line.startswith("{")]
    step("HEAD / answered without a gunicorn warning; every gunicorn log line JSON", head.status_code == 200
         and "no-body" not in new and not not_json, f"{len(not_json)} non-JSON lines" if not_json else "")


def sign_in() -> requests.Session:
    session = requests.Session()
    session.verify = CERT
    session.trust_env = False  # else REQUESTS_CA_BUNDLE from the shell wins over verify=
    session.headers["Referer"] = BASE + "/admin/"
    session.get(f"{BASE}/admin/login/", timeout=10)
    response = session.post(f"{BASE}/admin/login/?next=/admin/", timeout=10, data={
        "username": "drill", "password": "drill-Password-1", "next": "/admin/",
        "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    if "/two-factor/verify/" in response.url:
        response = session.post(response.url, timeout=10, data={
            "token": RECOVERY_CODE, "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    step("admin sign-in with the second step through nginx", response.status_code == 200
         and response.url.rstrip("/").endswith("/admin"), response.url)
    return session


def form_errors(html: str) -> str:
    return "; ".join(re.sub(r"<[^>]+>", " ", item).strip() for item in re.findall(r'class="(?:errorlist[^"]*|errornote)"[^>]*>(.*?)</(?:ul|p)>', html, re.S))[:300]


def post(session: requests.Session, path: str, **kwargs) -> requests.Response:
    data = {"csrfmiddlewaretoken": session.cookies["csrftoken"], **kwargs.pop("data", {})}
    return session.post(BASE + path, data=data, timeout=60, allow_redirects=False, **kwargs)


def wait_page(session: requests.Session, url: str, text: str, seconds: float = 180) -> bool:
    return bool(wait_for(lambda: text in session.get(url, timeout=30).text, seconds, every=1))


def background_import(session: requests.Session) -> None:
    header = "项目编号,项目名称,投资方,产业领域,项目阶段,签约日期,总投资（万元）\n"
    rows = "".join(f"DRILL-{n},演练项目{n},,氢能,在谈,,100\n" for n in range(IMPORT_ROWS))
    started = post(session, "/admin/projects/project/import/", data={"format": "0", "resource": "0"},
                   files={"import_file": ("项目.csv", ("\ufeff" + header + rows).encode(), "text/csv")})
    location = started.headers.get("Location", "")
    match = re.search(r"/import/job/(\d+)/$", location)
    if not step("background import: the upload becomes a preview job", started.status_code == 302 and bool(match),
                location or started.text[:200]):
        return
    previewed = wait_page(session, BASE + location, "预览：文件检查无误")
    committed = post(session, f"/admin/projects/project/import/job/{match.group(1)}/commit/")
    commit_url = committed.headers.get("Location", "")
    done = previewed and wait_page(session, BASE + commit_url, "导入完成")
    step("background import: previewed and committed by the worker", bool(done),
         f"{IMPORT_ROWS} rows, job page {commit_url}")


def evidence_upload(session: requests.Session) -> None:
    changelist = session.get(f"{BASE}/admin/projects/project/", timeout=30).text
    project = re.search(r'/admin/projects/project/(\d+)/change/', changelist)
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    saved = post(session, "/admin/desk/evidencedocument/add/", data={
        "project": project.group(1) if project else "", "kind": "contract", "title": "部署演练佐证"},
        files={"upload": ("演练.pdf", pdf, "application/pdf")})
    files = list(Path(os.environ.get("_DRILL_EVIDENCE", "")).rglob("*.pdf"))
    step("evidence upload stored in QS_EVIDENCE_ROOT", saved.status_code == 302 and bool(files),
         f"{files[0]}" if files else f"{saved.status_code} {form_errors(saved.text)}")


def export_job(session: requests.Session) -> None:
    columns = {f"projectresource_{name}": "on" for name in ("code", "name", "stage", "total_investment")}
    form = session.get(f"{BASE}/admin/projects/project/export/", timeout=30).text
    xlsx = re.search(r'<option value="(\d+)"[^>]*>\s*xlsx', form, flags=re.I)
    started = post(session, "/admin/projects/project/export/", data={"format": xlsx.group(1) if xlsx else "1", **columns})
    location = started.headers.get("Location", "")
    ok = started.status_code == 302 and "/export/job/" in location
    results_folder = Path(os.environ.get("_DRILL_JOBS", "")) / "result"
    files = wait_for(lambda: [path for path in results_folder.rglob("*") if path.is_file()], 180, every=1) or []
    ok = ok and bool(files) and files[0].read_bytes()[:2] == b"PK"  # an XLSX (a zip) written whole
    step("admin export job: written by the worker to JOBS_FILE_ROOT", ok and bool(files),
         f"{location}, {files[0] if files else 'no file'}" if location else f"{started.status_code} {started.headers.get('Content-Type')} {form_errors(started.text)}")


def reload_during_export(session: requests.Session) -> None:
    url = f"{BASE}/api/v1/projects/?format=csv"
    full = session.get(url, timeout=120).content
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.csv"
        rate = max(len(full) // 40, 1024)  # about 40 s: longer than the 30 s graceful timeout
        cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
        began = time.monotonic()
        curl = subprocess.Popen(["curl", "-s", "--cacert", CERT, "--limit-rate", str(rate), "-H", f"Cookie: {cookie}",
                                 "-o", str(target), "-w", "%{http_code}", url], stdout=subprocess.PIPE, text=True)
        time.sleep(3)
        master = processes[0].pid
        os.kill(master, signal.SIGHUP)
        status = curl.communicate(timeout=180)[0]
        took = time.monotonic() - began
        whole = target.read_bytes() == full
        step("graceful reload (HUP) during a long export: the download arrives whole", status == "200" and whole,
             f"{len(full):,} bytes in {took:.1f} s at {rate:,} B/s, HUP at 3 s, identical: {whole}")
    began = time.monotonic()
    step("the site serves after the reload", bool(wait_for(ready, 30)), f"ready after {time.monotonic() - began:.1f} s")


def teardown() -> None:
    nginx = ROOT / "nginx/nginx.conf"
    sh("nginx", "-c", str(nginx), "-s", "quit", check=False)
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=40)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    if not os.environ.get("KEEP"):
        sh("runuser", "-u", "postgres", "--", "dropdb", "--if-exists", "--force", DB, check=False)
        sh("runuser", "-u", "postgres", "--", "psql", "-q", "-c", f"DROP ROLE IF EXISTS {DB}", check=False)


def main() -> int:
    if os.geteuid() != 0:
        print("run as root: the drill creates a system user and starts nginx", file=sys.stderr)
        return 2
    try:
        env = setup()
        os.environ["_DRILL_EVIDENCE"], os.environ["_DRILL_JOBS"] = env["QS_EVIDENCE_ROOT"], env["JOBS_FILE_ROOT"]
        start_stack(env)
        checks()
        session = sign_in()
        background_import(session)
        evidence_upload(session)
        export_job(session)
        reload_during_export(session)
    except Exception as exc:  # noqa: BLE001 - a step that crashed is a FAIL, and the rest is torn down
        step("drill ran to the end", False, repr(exc)[:400])
    finally:
        teardown()
    failed = [name for name, ok, _detail in results if not ok]
    print(f"\n{len(results) - len(failed)} PASS, {len(failed)} FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
