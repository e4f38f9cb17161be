"""The evidence store: private on the local disk by default, an S3-compatible bucket only by environment."""

import json
import os
import subprocess
import sys

from django.conf import settings
from storages.backends.s3 import S3Storage

PROBE = """
import json
from qingshan.settings import base
print(json.dumps(base.STORAGES["evidence"]))
"""


def storage_config(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QS_EVIDENCE_")}
    environment.update(env)
    output = subprocess.run([sys.executable, "-c", PROBE], env=environment, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_by_default_evidence_stays_on_the_local_disk_under_var_with_no_public_url():
    config = storage_config()
    assert config["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert config["OPTIONS"]["location"] == str(settings.BASE_DIR / "var" / "evidence")
    # A placeholder no URL pattern serves (tests/desk/test_leaks.py fetches it: 404).
    assert config["OPTIONS"]["base_url"] == "/no-public-url/"


def test_an_s3_compatible_bucket_is_chosen_by_environment_and_stays_private():
    config = storage_config(QS_EVIDENCE_S3_BUCKET="qingshan-evidence",
                            QS_EVIDENCE_S3_ENDPOINT_URL="https://minio.internal:9000")
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == ("qingshan-evidence", "https://minio.internal:9000")
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == ("private", True, False)
    # The backend accepts these options (no network is touched to build it).
    storage = S3Storage(**options)
    assert storage.bucket_name == "qingshan-evidence"
