# The reports app's first migration: empty, so each part of the analytics work (facts and
# rollups, exports, schedules) adds its own migration after it.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations: list[migrations.operations.base.Operation] = []
