# The A grade's second check (二次核对) no longer shares the word "review" with the quarterly
# grade review: the columns are renamed, their values and choices stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_handover_moved")]

    operations = [
        migrations.RenameField(model_name="customer", old_name="review", new_name="second_check"),
        migrations.RenameField(
            model_name="customer",
            old_name="review_requested_by",
            new_name="second_check_requested_by",
        ),
        migrations.RenameField(
            model_name="historicalcustomer", old_name="review", new_name="second_check"
        ),
        migrations.RenameField(
            model_name="historicalcustomer",
            old_name="review_requested_by",
            new_name="second_check_requested_by",
        ),
    ]
