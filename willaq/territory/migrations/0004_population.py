from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("territory", "0003_groupings"),
    ]

    operations = [
        migrations.AddField(
            model_name="ubigeo",
            name="population",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="población"),
        ),
        migrations.AddField(
            model_name="ubigeo",
            name="population_year",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="año de la población"
            ),
        ),
    ]
