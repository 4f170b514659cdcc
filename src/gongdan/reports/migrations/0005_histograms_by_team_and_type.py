"""The histograms lose their channel and priority dimensions (rows bounded by days × teams ×
types × buckets; a channel or priority filter reads exact values from the facts), get covering
indexes for their reads; the facts get day indexes for those exact reads. New: the counters per
day|month × team × type (``TypeRollup``, ``MonthTypeRollup``), which the questions without a
channel or priority read.

The existing cells are merged into their new keys and the new rollups are summed from the team
and month rollups, in SQL (no ``reports_rebuild`` needed).
"""

from django.db import migrations, models

HIST_KEY = "day, team, ticket_type, metric, bucket"


def merge_cells(apps, schema_editor):
    """Sum every table's cells per new key: insert the sums, then drop the rows before them."""
    quote = schema_editor.quote_name
    for name in ("Histogram", "MonthHistogram"):
        table = quote(apps.get_model("reports", name)._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
            last = cursor.fetchone()[0]
            if last is None:
                continue
            cursor.execute(
                f"INSERT INTO {table} ({HIST_KEY}, channel, priority, count, total) "  # noqa: S608
                f"SELECT {HIST_KEY}, '', '', SUM(count), SUM(total) FROM {table} "
                f"GROUP BY {HIST_KEY}"
            )
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last])  # noqa: S608


def fill_type_rollup(apps, schema_editor):
    """The new per day × team × type counters: the sums of the team rollups' rows."""
    quote = schema_editor.quote_name
    model = apps.get_model("reports", "TypeRollup")
    source = quote(apps.get_model("reports", "TeamRollup")._meta.db_table)
    key = ("day", "team", "ticket_type")
    counters = [f.column for f in model._meta.concrete_fields if f.column not in (*key, "id")]
    names = ", ".join(quote(c) for c in (*key, *counters))
    sums = ", ".join(f"SUM({quote(c)})" for c in counters)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
            f"SELECT day, team, ticket_type, {sums} FROM {source} "
            "GROUP BY day, team, ticket_type"
        )


def fill_month_type_rollup(apps, schema_editor):
    """The same per month, from the monthly rollups."""
    quote = schema_editor.quote_name
    model = apps.get_model("reports", "MonthTypeRollup")
    source = quote(apps.get_model("reports", "MonthRollup")._meta.db_table)
    key = ("day", "team", "ticket_type")
    counters = [f.column for f in model._meta.concrete_fields if f.column not in (*key, "id")]
    names = ", ".join(quote(c) for c in (*key, *counters))
    sums = ", ".join(f"SUM({quote(c)})" for c in counters)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
            f"SELECT day, team, ticket_type, {sums} FROM {source} "
            "GROUP BY day, team, ticket_type"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_schedules"),
        ("tickets", "0010_time_cost"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="histogram",
            name="reports_histogram_key",
        ),
        migrations.RemoveConstraint(
            model_name="monthhistogram",
            name="reports_month_histogram_key",
        ),
        migrations.RemoveIndex(
            model_name="histogram",
            name="histogram_metric_day_idx",
        ),
        migrations.RemoveIndex(
            model_name="histogram",
            name="histogram_team_idx",
        ),
        migrations.RemoveIndex(
            model_name="monthhistogram",
            name="mhistogram_metric_day_idx",
        ),
        migrations.RemoveIndex(
            model_name="monthhistogram",
            name="mhistogram_team_idx",
        ),
        migrations.RunPython(merge_cells, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="histogram",
            name="channel",
        ),
        migrations.RemoveField(
            model_name="histogram",
            name="priority",
        ),
        migrations.RemoveField(
            model_name="monthhistogram",
            name="channel",
        ),
        migrations.RemoveField(
            model_name="monthhistogram",
            name="priority",
        ),
        migrations.AddIndex(
            model_name="histogram",
            index=models.Index(
                fields=["metric", "day", "team", "ticket_type", "bucket", "count", "total"],
                name="histogram_read_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="histogram",
            index=models.Index(
                fields=["team", "metric", "day", "ticket_type", "bucket", "count", "total"],
                name="histogram_team_read_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="monthhistogram",
            index=models.Index(
                fields=["metric", "day", "team", "ticket_type", "bucket", "count", "total"],
                name="mhistogram_read_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="monthhistogram",
            index=models.Index(
                fields=["team", "metric", "day", "ticket_type", "bucket", "count", "total"],
                name="mhistogram_team_read_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticketfact",
            index=models.Index(fields=["created_day"], name="fact_created_idx"),
        ),
        migrations.AddIndex(
            model_name="ticketfact",
            index=models.Index(fields=["resolved_day"], name="fact_resolved_idx"),
        ),
        migrations.AddIndex(
            model_name="ticketfact",
            index=models.Index(fields=["first_response_day"], name="fact_fr_idx"),
        ),
        migrations.AddIndex(
            model_name="ticketfact",
            index=models.Index(fields=["last_change_day"], name="fact_last_change_idx"),
        ),
        migrations.AddConstraint(
            model_name="histogram",
            constraint=models.UniqueConstraint(
                fields=("day", "team", "ticket_type", "metric", "bucket"),
                name="reports_histogram_key_v2",
            ),
        ),
        migrations.AddConstraint(
            model_name="monthhistogram",
            constraint=models.UniqueConstraint(
                fields=("day", "team", "ticket_type", "metric", "bucket"),
                name="reports_month_histogram_key_v2",
            ),
        ),
        migrations.CreateModel(
            name="TypeRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created", models.BigIntegerField(default=0)),
                ("resolved", models.BigIntegerField(default=0)),
                ("closed", models.BigIntegerField(default=0)),
                ("cancelled", models.BigIntegerField(default=0)),
                ("reopened", models.BigIntegerField(default=0)),
                ("outflow", models.BigIntegerField(default=0)),
                ("bl_0", models.BigIntegerField(default=0)),
                ("bl_1", models.BigIntegerField(default=0)),
                ("bl_2", models.BigIntegerField(default=0)),
                ("bl_3", models.BigIntegerField(default=0)),
                ("bl_4", models.BigIntegerField(default=0)),
                ("frt_n", models.BigIntegerField(default=0)),
                ("frt_sum", models.BigIntegerField(default=0)),
                ("frt_bsum", models.BigIntegerField(default=0)),
                ("res_n", models.BigIntegerField(default=0)),
                ("res_sum", models.BigIntegerField(default=0)),
                ("res_bsum", models.BigIntegerField(default=0)),
                ("inc_n", models.BigIntegerField(default=0)),
                ("inc_sum", models.BigIntegerField(default=0)),
                ("fcr_yes", models.BigIntegerField(default=0)),
                ("reopened_resolved", models.BigIntegerField(default=0)),
                ("reassign_sum", models.BigIntegerField(default=0)),
                ("fr_met", models.BigIntegerField(default=0)),
                ("fr_breached", models.BigIntegerField(default=0)),
                ("fr_paused", models.BigIntegerField(default=0)),
                ("nr_met", models.BigIntegerField(default=0)),
                ("nr_breached", models.BigIntegerField(default=0)),
                ("nr_paused", models.BigIntegerField(default=0)),
                ("rs_met", models.BigIntegerField(default=0)),
                ("rs_breached", models.BigIntegerField(default=0)),
                ("rs_paused", models.BigIntegerField(default=0)),
                ("day", models.DateField(verbose_name="day")),
                ("team", models.BigIntegerField(default=0, verbose_name="team")),
                ("ticket_type", models.BigIntegerField(default=0, verbose_name="type")),
            ],
            options={
                "verbose_name": "type rollup",
                "verbose_name_plural": "type rollups",
                "indexes": [models.Index(fields=["team", "day"], name="typerollup_team_day_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "team", "ticket_type"), name="reports_type_key"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_type_rollup, migrations.RunPython.noop),
            migrations.CreateModel(
            name="MonthTypeRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created", models.BigIntegerField(default=0)),
                ("resolved", models.BigIntegerField(default=0)),
                ("closed", models.BigIntegerField(default=0)),
                ("cancelled", models.BigIntegerField(default=0)),
                ("reopened", models.BigIntegerField(default=0)),
                ("outflow", models.BigIntegerField(default=0)),
                ("bl_0", models.BigIntegerField(default=0)),
                ("bl_1", models.BigIntegerField(default=0)),
                ("bl_2", models.BigIntegerField(default=0)),
                ("bl_3", models.BigIntegerField(default=0)),
                ("bl_4", models.BigIntegerField(default=0)),
                ("frt_n", models.BigIntegerField(default=0)),
                ("frt_sum", models.BigIntegerField(default=0)),
                ("frt_bsum", models.BigIntegerField(default=0)),
                ("res_n", models.BigIntegerField(default=0)),
                ("res_sum", models.BigIntegerField(default=0)),
                ("res_bsum", models.BigIntegerField(default=0)),
                ("inc_n", models.BigIntegerField(default=0)),
                ("inc_sum", models.BigIntegerField(default=0)),
                ("fcr_yes", models.BigIntegerField(default=0)),
                ("reopened_resolved", models.BigIntegerField(default=0)),
                ("reassign_sum", models.BigIntegerField(default=0)),
                ("fr_met", models.BigIntegerField(default=0)),
                ("fr_breached", models.BigIntegerField(default=0)),
                ("fr_paused", models.BigIntegerField(default=0)),
                ("nr_met", models.BigIntegerField(default=0)),
                ("nr_breached", models.BigIntegerField(default=0)),
                ("nr_paused", models.BigIntegerField(default=0)),
                ("rs_met", models.BigIntegerField(default=0)),
                ("rs_breached", models.BigIntegerField(default=0)),
                ("rs_paused", models.BigIntegerField(default=0)),
                ("day", models.DateField(verbose_name="month")),
                ("team", models.BigIntegerField(default=0, verbose_name="team")),
                ("ticket_type", models.BigIntegerField(default=0, verbose_name="type")),
            ],
            options={
                "verbose_name": "monthly type rollup",
                "verbose_name_plural": "monthly type rollups",
                "indexes": [models.Index(fields=["team", "day"], name="monthtype_team_day_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "team", "ticket_type"), name="reports_month_type_key"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_month_type_rollup, migrations.RunPython.noop),
    ]
