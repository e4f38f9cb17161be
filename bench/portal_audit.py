#!/usr/bin/env python
"""
Accessibility and Lighthouse audit of the investor's portal: home, project list, project detail,
招商地图, the 投资意向 form and the 产业链图谱 (list and one chain), in one run (``--pages`` for some).

    # a database of its own, the seed, and audit-only test positions on the map (never in the seed)
    createdb -h 127.0.0.1 -U postgres qs_portal_audit
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_portal_audit
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_seed
    .venv/bin/python bench/portal_audit.py --prepare          # places the seed's zones and institutes
    DJANGO_DEBUG=0 DJANGO_SECRET_KEY=audit DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 \\
      DJANGO_SECURE_COOKIES=0 .venv/bin/python manage.py collectstatic --noinput -v 0
    DJANGO_DEBUG=0 ... .venv/bin/gunicorn qingshan.wsgi -b 127.0.0.1:8180 &
    # the npm packages axe-core and lighthouse in a scratch directory (not committed)
    (cd /tmp/audit && npm install axe-core lighthouse)
    .venv/bin/python bench/portal_audit.py --base http://127.0.0.1:8180 --node-modules /tmp/audit/node_modules

axe-core runs in Debian's Chromium through Playwright at 390 and 1280 px (the page's CSP is
bypassed for the injected script only, as /work/shared notes say); Lighthouse runs with
``CHROME_PATH=/usr/bin/chromium``, mobile (its default) and ``--preset=desktop``. Scores move with
the machine's load: compare pages within one run. Prints a table; writes var/portal-audit.json.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "home": "/",
    "list": "/projects/",
    "detail": "/projects/baosteel-international-silicon-steel/",
    "map": "/map/",
    "form": "/interest/?project=baosteel-international-silicon-steel",
    "chains": "/chains/",
    "chain": "/chains/steel-chain/",
}
WIDTHS = {"phone": 390, "desktop": 1280}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def prepare() -> None:
    """Audit-only positions for the seed's zones and institutes (a grid near Qingshan), in the audit's database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingshan.settings")
    import django

    django.setup()
    from decimal import Decimal

    from projects.models import RenewalZone, ResearchInstitute
    from projects.services import record_save

    records = [*RenewalZone.objects.order_by("pk"), *ResearchInstitute.objects.order_by("pk")]
    for index, record in enumerate(records):
        record.latitude = Decimal("30.620000") + Decimal(index % 4) * Decimal("0.012")
        record.longitude = Decimal("114.360000") + Decimal(index // 4) * Decimal("0.018")
        record_save(record=record)
    print(f"placed {len(records)} zones and institutes (audit-only positions)")


def run_axe(base: str, axe_js: Path) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        for device, width in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True, locale="zh-CN")
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(base + path, wait_until="networkidle")
                page.add_script_tag(path=str(axe_js))
                report = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
                results[f"{name}-{device}"] = [
                    {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
                     "targets": [node["target"] for node in v["nodes"][:3]]}
                    for v in report["violations"]
                ]
            context.close()
        browser.close()
    return results


def run_lighthouse(base: str, lighthouse: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    scores: dict = {}
    for preset in ("mobile", "desktop"):
        for name, path in PAGES.items():
            command = [str(lighthouse), base + path, "--output=json", "--quiet",
                       "--chrome-flags=--headless=new --no-sandbox", f"--only-categories={','.join(CATEGORIES)}"]
            if preset == "desktop":
                command.append("--preset=desktop")
            completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
            if completed.returncode != 0:
                scores[f"{name}-{preset}"] = {"error": completed.stderr[-500:]}
                continue
            report = json.loads(completed.stdout)
            scores[f"{name}-{preset}"] = {
                category: round(report["categories"][category]["score"] * 100) for category in CATEGORIES
            }
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prepare", action="store_true", help="place the seed's zones and institutes, then stop")
    parser.add_argument("--base", default="http://127.0.0.1:8180")
    parser.add_argument("--node-modules", default=os.environ.get("NODE_MODULES", "node_modules"))
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--pages", help=f"comma-separated subset of {', '.join(PAGES)} (default: all)")
    args = parser.parse_args()
    if args.pages:
        for name in set(PAGES) - set(args.pages.split(",")):
            del PAGES[name]
    if args.prepare:
        prepare()
        return
    modules = Path(args.node_modules)
    axe = run_axe(args.base, modules / "axe-core" / "axe.min.js")
    print("axe-core violations (impact: rule × nodes)")
    serious = 0
    for key, violations in axe.items():
        line = ", ".join(f"{v['impact']}: {v['id']}×{v['nodes']}" for v in violations) or "none"
        serious += sum(1 for v in violations if v["impact"] in ("serious", "critical"))
        print(f"  {key:16} {line}")
    print(f"serious or critical: {serious}")
    lighthouse = {} if args.skip_lighthouse else run_lighthouse(args.base, modules / ".bin" / "lighthouse")
    if lighthouse:
        print("\nLighthouse " + " / ".join(CATEGORIES))
        for key, score in lighthouse.items():
            print(f"  {key:16} " + (" / ".join(str(score[c]) for c in CATEGORIES) if "error" not in score
                                    else "error: " + score["error"]))
    out = ROOT / "var" / "portal-audit.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"axe": axe, "lighthouse": lighthouse}, ensure_ascii=False, indent=2))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()
