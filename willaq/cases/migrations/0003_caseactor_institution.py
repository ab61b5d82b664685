"""Give each case-actor link an owning institution; existing links belong to the case's."""

import django.db.models.deletion
from django.db import migrations, models


def owners_from_cases(apps, schema_editor):
    CaseActor = apps.get_model("cases", "CaseActor")
    HistoricalCaseActor = apps.get_model("cases", "HistoricalCaseActor")
    Case = apps.get_model("cases", "Case")
    owner = dict(Case.objects.values_list("pk", "institution_id"))
    for link in CaseActor.objects.filter(institution__isnull=True).only("pk", "case_id"):
        CaseActor.objects.filter(pk=link.pk).update(institution_id=owner[link.case_id])
    for case_id, institution_id in owner.items():
        HistoricalCaseActor.objects.filter(case_id=case_id, institution__isnull=True).update(
            institution_id=institution_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0002_created_by_optional_in_forms"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseactor",
            name="institution",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_actor_links",
                to="accounts.institution",
                verbose_name="institución que vinculó",
            ),
        ),
        migrations.AddField(
            model_name="historicalcaseactor",
            name="institution",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.institution",
                verbose_name="institución que vinculó",
            ),
        ),
        migrations.RunPython(owners_from_cases, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="caseactor",
            name="institution",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_actor_links",
                to="accounts.institution",
                verbose_name="institución que vinculó",
            ),
        ),
    ]
