from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_sms_deadlines_and_plain_links')]

    initial = False

    operations = [
        ops.AddField(
            model_name='LedgerEntry',
            name='corrects',
            field=fields.UUIDField(null=True),
        ),
    ]
