"""The public data version moves from ``projects`` to the core: the state only, the table stays."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("projects", "0007_public_data_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PublicDataVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("token", models.CharField(max_length=32, verbose_name="版本标识")),
                        ("changed_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                    ],
                    options={
                        "verbose_name": "公开数据版本",
                        "verbose_name_plural": "公开数据版本",
                        "db_table": "projects_publicdataversion",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
