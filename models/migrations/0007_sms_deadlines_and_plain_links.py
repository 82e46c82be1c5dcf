from tortoise import migrations
from tortoise.migrations import operations as ops
from models.outbox import OutboxStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_support_desk')]

    initial = False

    operations = [
        ops.RemoveField(model_name='DataExport', name='link_nonce'),
        ops.AlterField(
            model_name='OutboxMessage',
            name='status',
            field=fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: PENDING\nSENT: SENT\nFAILED: FAILED\nEXPIRED: EXPIRED', enum_type=OutboxStatus, max_length=16),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='deadline_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
