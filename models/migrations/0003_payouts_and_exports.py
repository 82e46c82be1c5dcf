from tortoise import migrations
from tortoise.migrations import operations as ops
from models.export import ExportFormat, ExportStatus
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_closure')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DataExport',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='exports', on_delete=OnDelete.CASCADE)),
                ('format', fields.CharEnumField(description='JSON: JSON\nCSV: CSV', enum_type=ExportFormat, max_length=8)),
                ('status', fields.CharEnumField(default=ExportStatus.PENDING, description='PENDING: PENDING\nREADY: READY\nDOWNLOADED: DOWNLOADED\nEXPIRED: EXPIRED', enum_type=ExportStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ready_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('link_nonce', fields.CharField(null=True, max_length=32)),
                ('content', fields.TextField(null=True, unique=False)),
                ('downloaded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'data_export', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayoutCallback',
            fields=[
                ('event_id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('withdrawal_id', fields.UUIDField()),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payout_callback', 'app': 'models', 'pk_attr': 'event_id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Withdrawal',
            name='failure_reason',
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name='Withdrawal',
            name='on_hold',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Withdrawal',
            name='submitted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
