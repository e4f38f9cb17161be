"""The public data version (qingshan/cache.py): one row, changed after every public write; and a
partial index for the admin's count of records waiting for review."""

import uuid

from django.db import migrations, models


def create_row(apps, schema_editor):
    PublicDataVersion = apps.get_model("projects", "PublicDataVersion")
    PublicDataVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0006_staff_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicDataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32, verbose_name="版本标识")),
                ("changed_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={
                "verbose_name": "公开数据版本",
                "verbose_name_plural": "公开数据版本",
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                condition=models.Q(("archived_at__isnull", True), ("review_status", "submitted")), fields=["review_status"],
                name="project_submitted_idx",
            ),
        ),
    ]
