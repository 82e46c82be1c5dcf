from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_payouts_and_exports')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Challenge',
            name='client_key',
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
    ]
